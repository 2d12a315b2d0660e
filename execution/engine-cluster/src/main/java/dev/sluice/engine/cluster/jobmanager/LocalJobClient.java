package dev.sluice.engine.cluster.jobmanager;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.cluster.client.JobClient;
import dev.sluice.engine.cluster.client.JobResult;
import dev.sluice.engine.cluster.client.JobStatus;
import dev.sluice.engine.graph.JobId;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link JobClient} for a job of a {@link JobManager} in this JVM.
 *
 * <h3>Threading model</h3>
 * Thread-safe. The status is published by the JobManager main thread through a volatile field;
 * {@link #cancel()} and {@link #accumulators()} send requests to that thread. The result future
 * is completed on the JobManager main thread: callbacks chained to it without an executor run
 * there and must not block (use the {@code *Async} variants for anything heavy).
 */
public final class LocalJobClient implements JobClient {

  private final JobId jobId;
  private final JobManager jobManager;
  private final Duration accumulatorRequestTimeout;
  private final CompletableFuture<JobResult> result = new CompletableFuture<>();
  private volatile JobStatus status = JobStatus.CREATED;

  LocalJobClient(JobId jobId, JobManager jobManager, Duration accumulatorRequestTimeout) {
    this.jobId = jobId;
    this.jobManager = jobManager;
    this.accumulatorRequestTimeout = accumulatorRequestTimeout;
  }

  @Override
  public JobId jobId() {
    return jobId;
  }

  @Override
  public JobStatus status() {
    return status;
  }

  @Override
  public CompletableFuture<JobResult> resultFuture() {
    return result;
  }

  @Override
  public void cancel() {
    jobManager.cancelJob(jobId);
  }

  @Override
  public void drain() {
    jobManager.drainJob(jobId);
  }

  /**
   * Waits up to the accumulator timeout (plus a margin) for the JobManager's answer; returns the
   * final accumulators once the job ended.
   */
  @Override
  public Map<String, Accumulator<?>> accumulators() {
    if (result.isDone()) {
      return finalAccumulators();
    }
    try {
      return jobManager.requestJobAccumulators(jobId)
          .get(accumulatorRequestTimeout.toMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while requesting the accumulators of job " + jobId, e);
    } catch (ExecutionException | TimeoutException e) {
      if (result.isDone()) {
        return finalAccumulators(); // the job ended in between
      }
      throw new IllegalStateException("Could not get the accumulators of job " + jobId + " in status " + status, e);
    }
  }

  private Map<String, Accumulator<?>> finalAccumulators() {
    JobResult r = result.getNow(null);
    return r == null || r.accumulators() == null ? Map.of() : r.accumulators();
  }

  void updateStatus(JobStatus next) {
    status = next;
  }

  void complete(JobResult jobResult) {
    result.complete(jobResult);
  }
}
