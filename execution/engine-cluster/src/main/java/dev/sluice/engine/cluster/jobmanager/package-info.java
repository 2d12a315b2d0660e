/**
 * The JobManager: accepts job graphs, keeps the slot pool of the registered TaskManagers, and
 * runs each job with a {@code Scheduler} (slot allocation with slot sharing, eager deployment,
 * failover: fail the job on the first task failure, cancellation, accumulators). Depends on
 * {@code cluster.executiongraph}, {@code cluster.rpc} and {@code cluster.client}.
 */
package dev.sluice.engine.cluster.jobmanager;
