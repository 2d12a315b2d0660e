package dev.sluice.engine.cluster.rpc;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.task.ExecutionAttemptId;
import dev.sluice.engine.task.ExecutionState;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What TaskManagers call on the JobManager. Every method returns at once; the work runs on the
 * JobManager's own thread and the future completes there.
 *
 * <p>In local mode the implementation is the JobManager itself; a multi-process cluster puts a
 * gRPC stub behind this same interface, which is why every argument is a value object (the
 * {@link TaskManagerGateway} passed at registration becomes the TaskManager's address there).
 */
public interface JobManagerGateway {

  /** Makes a TaskManager known; its slots count only once {@link #offerSlots offered}. */
  CompletableFuture<Void> registerTaskManager(TaskManagerId taskManager, TaskManagerGateway gateway);

  /** Offers slots of a registered TaskManager to the slot pool. */
  CompletableFuture<Void> offerSlots(TaskManagerId taskManager, Collection<SlotId> slots);

  /**
   * A task switched state.
   *
   * @param cause the failure when {@code state == FAILED}, else null
   * @param accumulators the task's accumulators at the transition (final ones with a terminal
   *     state); may be empty
   */
  CompletableFuture<Void> updateTaskExecutionState(
      ExecutionAttemptId attempt, ExecutionState state, Throwable cause, Map<String, Accumulator<?>> accumulators);

  /** The TaskManager is alive. */
  CompletableFuture<Void> heartbeat(TaskManagerId taskManager);
}
