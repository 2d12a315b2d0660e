/**
 * {@code MiniCluster}: a JobManager, N TaskManagers and their shared services in one JVM,
 * connected through the in-JVM implementations of the {@code cluster.rpc} gateways. Used by
 * tests and by the runner's local mode.
 */
package dev.sluice.engine.cluster.minicluster;
