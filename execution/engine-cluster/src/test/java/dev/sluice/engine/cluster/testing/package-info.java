/** Reusable test support for clusters: the JUnit 5 {@code MiniClusterExtension}. */
package dev.sluice.engine.cluster.testing;
