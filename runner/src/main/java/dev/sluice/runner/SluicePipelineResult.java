package dev.sluice.runner;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.cluster.client.JobClient;
import dev.sluice.engine.cluster.client.JobResult;
import dev.sluice.engine.cluster.client.JobStatus;
import dev.sluice.engine.cluster.minicluster.MiniCluster;
import dev.sluice.runner.translation.metrics.MetricsAccumulator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.beam.sdk.metrics.MetricsOptions;
import org.joda.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handle {@link SluiceRunner#run} returns: state, waiting, cancelling and metrics of one job
 * on its own one-job {@link MiniCluster}.
 *
 * <h3>Lifecycle</h3>
 * Created once the job is submitted. When the job reaches a terminal status, a short-lived thread
 * ({@code sluice-shutdown-<job>}) closes the cluster, so no engine thread outlives the job even if
 * nobody waits for it; {@link #waitUntilFinish} returns only after the cluster is closed.
 *
 * <h3>Threading model</h3>
 * Thread-safe: any thread may query, wait, cancel or drain.
 */
public final class SluicePipelineResult implements PipelineResult {

  private static final Logger LOG = LoggerFactory.getLogger(SluicePipelineResult.class);

  private final JobClient jobClient;
  /** The job's own cluster (a {@link MiniCluster}); closed once the job ended. */
  private final AutoCloseable cluster;
  private final String jobName;

  /** Completes with the job's result once the job ended and the cluster is closed. */
  private final CompletableFuture<JobResult> terminated = new CompletableFuture<>();
  /** Pushes metrics to the user's --metricsSink; null when none is configured. Guarded by this. */
  private MetricsSinkPusher metricsSinkPusher;
  /** The job's final metrics once it ended; handed to the pusher once. Guarded by this. */
  private MetricsContainerStepMap finalMetrics;

  SluicePipelineResult(String jobName, JobClient jobClient, AutoCloseable cluster) {
    this.jobName = jobName;
    this.jobClient = jobClient;
    this.cluster = cluster;
    jobClient.resultFuture().whenComplete(this::shutDownCluster);
  }

  /** Starts pushing this job's metrics to {@code --metricsSink}, if one is configured. */
  synchronized void startMetricsPusher(MetricsOptions options) {
    metricsSinkPusher = MetricsSinkPusher.startIfConfigured(options, this);
    if (metricsSinkPusher != null && finalMetrics != null) {
      metricsSinkPusher.jobEnded(finalMetrics);
    }
  }

  /** The job ended (possibly before a pusher was started): hand its final metrics over once. */
  private synchronized void recordFinalMetrics(MetricsContainerStepMap metrics) {
    finalMetrics = metrics;
    if (metricsSinkPusher != null) {
      metricsSinkPusher.jobEnded(metrics);
    }
  }

  /** Runs on whatever thread completed the job; closing the cluster there could join itself. */
  private void shutDownCluster(JobResult result, Throwable error) {
    Thread shutdown = new Thread(() -> {
      recordFinalMetrics(result == null ? new MetricsContainerStepMap() : stepMapOf(result.accumulators()));
      try {
        cluster.close();
      } catch (Exception e) {
        LOG.warn("Closing the local cluster of job {} failed; its threads may linger", describeJob(), e);
      }
      if (error != null) {
        terminated.completeExceptionally(error);
      } else {
        terminated.complete(result);
      }
    }, "sluice-shutdown-" + jobClient.jobId());
    shutdown.setDaemon(true);
    shutdown.start();
  }

  @Override
  public State getState() {
    CompletableFuture<JobResult> result = jobClient.resultFuture();
    if (result.isDone()) {
      return result.isCompletedExceptionally() ? State.FAILED : toState(result.join().status());
    }
    return toState(jobClient.status());
  }

  static State toState(JobStatus status) {
    return switch (status) {
      // Not terminal yet: Beam has no "failing" or "cancelling" state.
      case CREATED, RUNNING, FAILING, CANCELLING -> State.RUNNING;
      case FAILED -> State.FAILED;
      case CANCELED -> State.CANCELLED;
      case FINISHED -> State.DONE;
    };
  }

  /** Asks the job to cancel and returns at once; {@link #waitUntilFinish} then returns CANCELLED. */
  @Override
  public State cancel() {
    if (!jobClient.resultFuture().isDone()) {
      LOG.info("Cancelling job {}", describeJob());
      jobClient.cancel();
    }
    return getState();
  }

  /**
   * Sluice-specific (Beam's {@link PipelineResult} has no drain; like Flink's
   * {@code stop --drain} and Dataflow's drain): asks a streaming job to end gracefully and
   * returns at once. Every source stops reading, the watermark advances to +infinity, so every
   * window fires its final panes and every event-time timer fires, splittable DoFns truncate
   * their restrictions ({@code @TruncateRestriction}; by default a bounded restriction is kept
   * and processed, an unbounded one dropped) and process what is left, and the job ends: then
   * {@link #waitUntilFinish} returns DONE. Nothing that was read is lost. Draining a job that
   * already ended (a batch job, say), or draining twice, does nothing.
   *
   * @return the state now (RUNNING while the drain is under way)
   */
  public State drain() {
    if (!jobClient.resultFuture().isDone()) {
      LOG.info("Draining job {}", describeJob());
      jobClient.drain();
    }
    return getState();
  }

  /**
   * Waits for the job to end and its cluster to close.
   *
   * @param duration less than 1 ms waits without limit
   * @return the final state, or null if {@code duration} passed first
   * @throws SluicePipelineExecutionException if the job failed; its cause is the user's exception
   */
  @Override
  public State waitUntilFinish(Duration duration) {
    JobResult result;
    try {
      result = duration.getMillis() < 1
          ? terminated.get()
          : terminated.get(duration.getMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for job " + describeJob(), e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("The engine failed to report the end of job " + describeJob(), e.getCause());
    }
    if (result.status() == JobStatus.FAILED) {
      Throwable cause = result.failureCause();
      if (cause == null) {
        throw new SluicePipelineExecutionException(
            "Job " + describeJob(), new IllegalStateException("the engine reported no failure cause"));
      }
      throw new SluicePipelineExecutionException(FailureCauses.whereFailed(cause), FailureCauses.userCause(cause));
    }
    return toState(result.status());
  }

  @Override
  public State waitUntilFinish() {
    return waitUntilFinish(Duration.ZERO);
  }

  /**
   * Beam metrics merged over all subtasks: live while the job runs, final once it ended.
   *
   * <p>Committed values exist only for a FINISHED job, and equal the attempted ones: the engine
   * runs every subtask once (no task restarts yet), so when the job finished every bundle that
   * updated a metric has completed exactly once. While the job runs, and after it failed or was
   * cancelled, only attempted values are known ({@code getCommitted()} throws, as Beam
   * specifies). Once tasks can restart, committed must leave out the failed attempts.
   */
  @Override
  public MetricResults metrics() {
    CompletableFuture<JobResult> result = jobClient.resultFuture();
    JobResult finalResult = result.isDone() && !result.isCompletedExceptionally() ? result.join() : null;
    MetricsContainerStepMap stepMap =
        stepMapOf(finalResult != null ? finalResult.accumulators() : jobClient.accumulators());
    if (finalResult != null && finalResult.status() == JobStatus.FINISHED) {
      return MetricsContainerStepMap.asMetricResults(stepMap, stepMap);
    }
    return MetricsContainerStepMap.asAttemptedOnlyMetricResults(stepMap);
  }

  /** A copy of the Beam metrics among the job's accumulators (empty if there are none). */
  private static MetricsContainerStepMap stepMapOf(Map<String, Accumulator<?>> accumulators) {
    Accumulator<?> metrics = accumulators == null ? null : accumulators.get(MetricsAccumulator.NAME);
    return metrics instanceof MetricsAccumulator m ? m.copy().stepMap() : new MetricsContainerStepMap();
  }

  private String describeJob() {
    return "'" + jobName + "' (" + jobClient.jobId() + ")";
  }

  @Override
  public String toString() {
    return "SluicePipelineResult{job=" + describeJob() + ", state=" + getState() + "}";
  }
}
