/** Runnable pipelines on Sluice: {@link dev.sluice.examples.WordCount} (batch). */
package dev.sluice.examples;
