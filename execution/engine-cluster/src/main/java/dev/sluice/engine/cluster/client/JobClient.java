package dev.sluice.engine.cluster.client;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.graph.JobId;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A handle on a submitted job. Thread-safe. */
public interface JobClient {

  JobId jobId();

  JobStatus status();

  /** Completes when the job reached a terminal status and all its tasks have stopped. */
  CompletableFuture<JobResult> resultFuture();

  /** Asks the job to cancel; the result future completes with CANCELED once all tasks stopped. */
  void cancel();

  /**
   * Asks a running job to drain, as Flink's {@code stop --drain} and Dataflow's drain: every
   * source stops reading and ends, the watermark advances to +infinity (all windows fire their
   * final panes, all event-time timers fire), operators shorten work that would never end
   * (e.g. splittable DoFns truncate their restrictions), and the job ends FINISHED. Returns at
   * once; the result future completes once the job ended. A job that is not running, or is
   * already draining, ignores it. Default: unsupported.
   */
  default void drain() {
    throw new UnsupportedOperationException("Job " + jobId() + " cannot be drained through " + getClass().getName());
  }

  /** Accumulators merged over all subtasks now: live while running, final once ended. */
  Map<String, Accumulator<?>> accumulators();
}
