/**
 * Runnable pipelines on Sluice: {@link dev.sluice.examples.WordCount} (batch) and
 * {@link dev.sluice.examples.StreamingSensorStats} (streaming: early, on-time and late panes over
 * out-of-order input from {@link dev.sluice.examples.SensorSource}, and a stateful DoFn with an
 * event-time timer).
 */
package dev.sluice.examples;
