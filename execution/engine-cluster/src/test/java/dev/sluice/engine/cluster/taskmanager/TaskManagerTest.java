package dev.sluice.engine.cluster.taskmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.cluster.rpc.JobManagerGateway;
import dev.sluice.engine.cluster.rpc.SlotId;
import dev.sluice.engine.cluster.rpc.TaskManagerGateway;
import dev.sluice.engine.cluster.rpc.TaskManagerId;
import dev.sluice.engine.cluster.rpc.TaskNotFoundException;
import dev.sluice.engine.cluster.testutil.Await;
import dev.sluice.engine.cluster.testutil.FakeTaskFactory;
import dev.sluice.engine.cluster.testutil.LongSum;
import dev.sluice.engine.cluster.testutil.TestJobGraphs;
import dev.sluice.engine.cluster.testutil.Threads;
import dev.sluice.engine.graph.JobGraph;
import dev.sluice.engine.task.ExecutionAttemptId;
import dev.sluice.engine.task.ExecutionState;
import dev.sluice.engine.task.TaskDeploymentDescriptor;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TaskManagerTest {

  private final RecordingJobManager jm = new RecordingJobManager();
  private final FakeTaskFactory factory = new FakeTaskFactory();

  private TaskManager newTaskManager() {
    return new TaskManager(new TaskManagerId("tm-test"), 2, jm, factory, Duration.ofSeconds(60), Duration.ofSeconds(10));
  }

  private static TaskDeploymentDescriptor descriptor(JobGraph graph, int vertex, int subtask) {
    return new TaskDeploymentDescriptor(
        new ExecutionAttemptId(graph.jobId(), graph.vertices().get(vertex).id(), subtask, 0), graph);
  }

  @Test
  void shouldRegisterAndOfferItsSlots() throws Exception {
    try (TaskManager tm = newTaskManager()) {
      tm.start().get(5, TimeUnit.SECONDS);
      assertThat(jm.registered).containsExactly(tm);
      assertThat(jm.offered).containsExactly(new SlotId(tm.id(), 0), new SlotId(tm.id(), 1));
    }
  }

  @Test
  void shouldRunTasksAndForwardTheirStateChanges() throws Exception {
    JobGraph graph = TestJobGraphs.twoVertices("finite", 1, 1);
    try (TaskManager tm = newTaskManager()) {
      TaskDeploymentDescriptor d = descriptor(graph, 0, 0);
      tm.submitTask(d).get(5, TimeUnit.SECONDS);
      Await.until(() -> jm.states(d.attemptId()).contains(ExecutionState.FINISHED), "task finished");
      assertThat(jm.states(d.attemptId())).containsExactly(ExecutionState.DEPLOYING, ExecutionState.RUNNING, ExecutionState.FINISHED);
      Await.until(() -> tm.runningTaskCount().join() == 0, "task forgotten");
    }
  }

  @Test
  void shouldCancelTasksAndSnapshotAccumulators() throws Exception {
    JobGraph graph = TestJobGraphs.twoVertices("infinite", 2, 1);
    try (TaskManager tm = newTaskManager()) {
      TaskDeploymentDescriptor d0 = descriptor(graph, 0, 0);
      TaskDeploymentDescriptor d1 = descriptor(graph, 0, 1);
      tm.submitTask(d0).join();
      tm.submitTask(d1).join();
      assertThatThrownBy(() -> tm.submitTask(d1).get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .hasMessageContaining("already runs");
      Await.until(() -> jm.states(d0.attemptId()).contains(ExecutionState.RUNNING)
          && jm.states(d1.attemptId()).contains(ExecutionState.RUNNING), "tasks running");
      Map<ExecutionAttemptId, Map<String, Accumulator<?>>> acc = tm.requestAccumulators(graph.jobId()).get(5, TimeUnit.SECONDS);
      assertThat(acc).containsOnlyKeys(d0.attemptId(), d1.attemptId());
      assertThat(((LongSum) acc.get(d0.attemptId()).get("tasks")).get()).isEqualTo(1);
      tm.cancelTask(d0.attemptId()).get(5, TimeUnit.SECONDS);
      Await.until(() -> jm.states(d0.attemptId()).contains(ExecutionState.CANCELED), "task cancelled");
      assertThat(jm.states(d1.attemptId())).doesNotContain(ExecutionState.CANCELED);
      Await.until(() -> tm.runningTaskCount().join() == 1, "cancelled task forgotten");
      assertThatThrownBy(() -> tm.cancelTask(d0.attemptId()).get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(TaskNotFoundException.class);
    }
  }

  @Test
  void shouldCancelEverythingAndStopItsThreadsOnClose() {
    Set<Thread> before = Threads.live();
    JobGraph graph = TestJobGraphs.twoVertices("infinite", 2, 2);
    TaskManager tm = newTaskManager();
    tm.submitTask(descriptor(graph, 0, 0)).join();
    tm.submitTask(descriptor(graph, 1, 1)).join();
    tm.close();
    assertThat(jm.updates).filteredOn(u -> u.state == ExecutionState.CANCELED).hasSize(2);
    assertThat(factory.closed).isTrue();
    Threads.awaitNoThreadsBeyond(before, Duration.ofSeconds(10));
  }

  private record Update(ExecutionAttemptId attempt, ExecutionState state) {}

  private static final class RecordingJobManager implements JobManagerGateway {
    final List<TaskManagerGateway> registered = new CopyOnWriteArrayList<>();
    final List<SlotId> offered = new CopyOnWriteArrayList<>();
    final List<Update> updates = new CopyOnWriteArrayList<>();

    List<ExecutionState> states(ExecutionAttemptId attempt) {
      return updates.stream().filter(u -> u.attempt.equals(attempt)).map(Update::state).toList();
    }

    @Override
    public CompletableFuture<Void> registerTaskManager(TaskManagerId taskManager, TaskManagerGateway gateway) {
      registered.add(gateway);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> offerSlots(TaskManagerId taskManager, Collection<SlotId> slots) {
      offered.addAll(slots);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> updateTaskExecutionState(
        ExecutionAttemptId attempt, ExecutionState state, Throwable cause, Map<String, Accumulator<?>> accumulators) {
      updates.add(new Update(attempt, state));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> heartbeat(TaskManagerId taskManager) {
      return CompletableFuture.completedFuture(null);
    }
  }
}
