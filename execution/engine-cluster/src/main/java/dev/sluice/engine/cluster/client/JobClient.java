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

  /** Accumulators merged over all subtasks now: live while running, final once ended. */
  Map<String, Accumulator<?>> accumulators();
}
