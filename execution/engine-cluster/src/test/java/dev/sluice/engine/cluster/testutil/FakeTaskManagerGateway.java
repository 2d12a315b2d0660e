package dev.sluice.engine.cluster.testutil;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.cluster.rpc.TaskManagerGateway;
import dev.sluice.engine.cluster.rpc.TaskManagerId;
import dev.sluice.engine.graph.JobId;
import dev.sluice.engine.task.ExecutionAttemptId;
import dev.sluice.engine.task.TaskDeploymentDescriptor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** Records what the JobManager asks; answers at once unless a test changes the answers. */
public final class FakeTaskManagerGateway implements TaskManagerGateway {

  private final TaskManagerId id;
  public final List<TaskDeploymentDescriptor> submitted = new CopyOnWriteArrayList<>();
  public final List<ExecutionAttemptId> cancelled = new CopyOnWriteArrayList<>();
  public final List<JobId> freed = new CopyOnWriteArrayList<>();
  public volatile Function<TaskDeploymentDescriptor, CompletableFuture<Void>> submitAnswer =
      d -> CompletableFuture.completedFuture(null);
  public volatile Function<JobId, CompletableFuture<Map<ExecutionAttemptId, Map<String, Accumulator<?>>>>> accumulatorAnswer =
      j -> CompletableFuture.completedFuture(Map.of());

  public FakeTaskManagerGateway(String id) {
    this.id = new TaskManagerId(id);
  }

  @Override
  public TaskManagerId id() {
    return id;
  }

  @Override
  public CompletableFuture<Void> submitTask(TaskDeploymentDescriptor descriptor) {
    submitted.add(descriptor);
    return submitAnswer.apply(descriptor);
  }

  @Override
  public CompletableFuture<Void> cancelTask(ExecutionAttemptId attempt) {
    cancelled.add(attempt);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Map<ExecutionAttemptId, Map<String, Accumulator<?>>>> requestAccumulators(JobId job) {
    return accumulatorAnswer.apply(job);
  }

  @Override
  public CompletableFuture<Void> freeSlots(JobId job) {
    freed.add(job);
    return CompletableFuture.completedFuture(null);
  }
}
