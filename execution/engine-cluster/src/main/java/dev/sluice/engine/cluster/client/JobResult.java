package dev.sluice.engine.cluster.client;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.graph.JobId;
import java.util.Map;

/**
 * How a job ended.
 *
 * @param failureCause the root cause when {@code status == FAILED} (the first exception a
 *     subtask threw, wrapped in a {@code TaskFailureException} that names job, vertex and
 *     subtask), otherwise null
 * @param accumulators the job's accumulators merged over all subtasks
 */
public record JobResult(JobId jobId, JobStatus status, Throwable failureCause, Map<String, Accumulator<?>> accumulators) {}
