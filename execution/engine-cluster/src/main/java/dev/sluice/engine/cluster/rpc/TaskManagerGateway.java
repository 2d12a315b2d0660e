package dev.sluice.engine.cluster.rpc;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.graph.JobId;
import dev.sluice.engine.task.ExecutionAttemptId;
import dev.sluice.engine.task.TaskDeploymentDescriptor;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What the JobManager calls on a TaskManager. Every method returns at once; the work runs on
 * the TaskManager's own thread and the future completes there, so a caller must continue on its
 * own executor (e.g. {@code whenCompleteAsync(..., mainThread)}) before touching its state.
 */
public interface TaskManagerGateway {

  TaskManagerId id();

  /** Starts the subtask; completes once its thread was started (not when it runs or ends). */
  CompletableFuture<Void> submitTask(TaskDeploymentDescriptor descriptor);

  /**
   * Asks the task to stop; its terminal state arrives later through
   * {@link JobManagerGateway#updateTaskExecutionState}. Fails with {@link TaskNotFoundException}
   * when the TaskManager does not run that attempt (any more).
   */
  CompletableFuture<Void> cancelTask(ExecutionAttemptId attempt);

  /**
   * Asks the task to drain (see {@code Task#drain()}); it ends FINISHED later, reported as
   * usual. Fails with {@link TaskNotFoundException} when the TaskManager does not run that
   * attempt (any more). Default: unsupported.
   */
  default CompletableFuture<Void> drainTask(ExecutionAttemptId attempt) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("Task manager " + id() + " cannot drain tasks"));
  }

  /** Snapshots of the accumulators of every task of {@code job} this TaskManager runs now. */
  CompletableFuture<Map<ExecutionAttemptId, Map<String, Accumulator<?>>>> requestAccumulators(JobId job);

  /** The job ended: cancel whatever of it still runs here and forget it. */
  CompletableFuture<Void> freeSlots(JobId job);
}
