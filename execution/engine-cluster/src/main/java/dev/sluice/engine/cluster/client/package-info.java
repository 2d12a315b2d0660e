/**
 * What a job's submitter sees: {@code JobClient} (status, cancel, accumulators, result future),
 * {@code JobStatus} and {@code JobResult}. Independent of how the cluster runs (local or
 * remote).
 */
package dev.sluice.engine.cluster.client;
