package dev.sluice.runner;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.cluster.client.JobClient;
import dev.sluice.engine.cluster.client.JobResult;
import dev.sluice.engine.cluster.client.JobStatus;
import dev.sluice.engine.graph.JobId;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The handle of a job with no vertices (a pipeline without transforms): there is nothing to
 * schedule, so it is FINISHED from the start and no cluster is started for it.
 */
final class EmptyJobClient implements JobClient {

  private final JobId jobId;
  private final CompletableFuture<JobResult> result;

  EmptyJobClient(JobId jobId) {
    this.jobId = jobId;
    this.result = CompletableFuture.completedFuture(new JobResult(jobId, JobStatus.FINISHED, null, Map.of()));
  }

  @Override
  public JobId jobId() {
    return jobId;
  }

  @Override
  public JobStatus status() {
    return JobStatus.FINISHED;
  }

  @Override
  public CompletableFuture<JobResult> resultFuture() {
    return result;
  }

  @Override
  public void cancel() {}

  @Override
  public void drain() {}

  @Override
  public Map<String, Accumulator<?>> accumulators() {
    return Map.of();
  }
}
