package dev.sluice.engine.cluster.jobmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.cluster.client.JobClient;
import dev.sluice.engine.cluster.client.JobResult;
import dev.sluice.engine.cluster.client.JobStatus;
import dev.sluice.engine.cluster.rpc.SlotId;
import dev.sluice.engine.cluster.testutil.Await;
import dev.sluice.engine.cluster.testutil.FakeTaskManagerGateway;
import dev.sluice.engine.cluster.testutil.LongSum;
import dev.sluice.engine.cluster.testutil.TestJobGraphs;
import dev.sluice.engine.graph.JobGraph;
import dev.sluice.engine.graph.JobGraphBuilder;
import dev.sluice.engine.graph.JobId;
import dev.sluice.engine.task.ExecutionAttemptId;
import dev.sluice.engine.task.ExecutionState;
import dev.sluice.engine.task.TaskDeploymentDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JobManager and its Scheduler against fake TaskManagers driven by the test. */
class JobManagerTest {

  private final List<JobId> released = new CopyOnWriteArrayList<>();
  private final JobManager jm = new JobManager(Duration.ofMillis(200), released::add);
  private final FakeTaskManagerGateway tm0 = new FakeTaskManagerGateway("tm-0");
  private final FakeTaskManagerGateway tm1 = new FakeTaskManagerGateway("tm-1");

  JobManagerTest() throws Exception {
    for (FakeTaskManagerGateway tm : List.of(tm0, tm1)) {
      jm.registerTaskManager(tm.id(), tm).get(5, TimeUnit.SECONDS);
      jm.offerSlots(tm.id(), List.of(new SlotId(tm.id(), 0), new SlotId(tm.id(), 1))).get(5, TimeUnit.SECONDS);
    }
  }

  @AfterEach
  void close() {
    jm.close();
  }

  private List<TaskDeploymentDescriptor> deployed(int count) {
    Await.until(() -> tm0.submitted.size() + tm1.submitted.size() == count, count + " tasks deployed");
    List<TaskDeploymentDescriptor> all = new ArrayList<>(tm0.submitted);
    all.addAll(tm1.submitted);
    return all;
  }

  private void report(TaskDeploymentDescriptor d, ExecutionState state) {
    report(d.attemptId(), state, null, Map.of());
  }

  private void report(ExecutionAttemptId a, ExecutionState state, Throwable cause, Map<String, Accumulator<?>> acc) {
    jm.updateTaskExecutionState(a, state, cause, acc).join();
  }

  private static JobResult result(JobClient client) throws Exception {
    return client.resultFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void shouldDeployAllSubtasksAtOnceWithSlotSharing() {
    JobGraph graph = TestJobGraphs.twoVertices("shared", 3, 2);
    JobClient client = jm.submitJob(graph, getClass().getClassLoader());
    List<TaskDeploymentDescriptor> all = deployed(5);
    // slot i runs subtask i of every vertex: subtasks 0 and 1 on tm-0, subtask 2 on tm-1
    assertThat(tm0.submitted).extracting(TaskDeploymentDescriptor::subtaskIndex).containsExactlyInAnyOrder(0, 0, 1, 1);
    assertThat(tm1.submitted).extracting(TaskDeploymentDescriptor::subtaskIndex).containsExactly(2);
    assertThat(all).allMatch(d -> d.attemptId().job().equals(graph.jobId()));
    assertThat(client.status()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void shouldSubmitACopyOfTheJobGraph() {
    JobGraph graph = TestJobGraphs.twoVertices("copied", 1, 1);
    jm.submitJob(graph, getClass().getClassLoader());
    TaskDeploymentDescriptor d = deployed(2).get(0);
    assertThat(d.jobGraph()).isNotSameAs(graph);
    assertThat(d.jobGraph().jobId()).isEqualTo(graph.jobId());
    assertThat(d.jobGraph().vertices()).hasSize(2);
  }

  @Test
  void shouldRejectAJobGraphThatIsNotSerializable() {
    Object notSerializable = new Object();
    JobGraphBuilder b = new JobGraphBuilder("unserializable", 8);
    b.addOperator("source", () -> {
      notSerializable.hashCode();
      return new TestJobGraphs.NoOpOperator();
    }, 1, 0, 0);
    assertThatThrownBy(() -> jm.submitJob(b.build(), getClass().getClassLoader()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unserializable").hasMessageContaining("not serializable");
  }

  @Test
  void shouldFinishWhenAllTasksFinishedAndOnlyThenReleaseTheJob() throws Exception {
    JobGraph graph = TestJobGraphs.twoVertices("finishing", 2, 2);
    JobClient client = jm.submitJob(graph, getClass().getClassLoader());
    List<TaskDeploymentDescriptor> all = deployed(4);
    for (TaskDeploymentDescriptor d : all) {
      report(d, ExecutionState.DEPLOYING);
      report(d, ExecutionState.RUNNING);
    }
    for (int i = 0; i < 3; i++) {
      report(all.get(i).attemptId(), ExecutionState.FINISHED, null, Map.of("n", new LongSum(i + 1)));
    }
    assertThat(client.resultFuture()).isNotDone();
    assertThat(released).isEmpty();
    report(all.get(3).attemptId(), ExecutionState.FINISHED, null, Map.of("n", new LongSum(10)));
    JobResult result = result(client);
    assertThat(result.status()).isEqualTo(JobStatus.FINISHED);
    assertThat(result.failureCause()).isNull();
    assertThat(((LongSum) result.accumulators().get("n")).get()).isEqualTo(16);
    assertThat(client.status()).isEqualTo(JobStatus.FINISHED);
    assertThat(client.accumulators()).containsKey("n");
    assertThat(released).containsExactly(graph.jobId());
    assertThat(tm0.freed).containsExactly(graph.jobId());
    assertThat(tm0.cancelled).isEmpty();
  }

  @Test
  void shouldFailTheJobWithTheFirstTaskFailureAfterCancellingTheOthers() throws Exception {
    JobGraph graph = TestJobGraphs.twoVertices("failing", 2, 2);
    JobClient client = jm.submitJob(graph, getClass().getClassLoader());
    List<TaskDeploymentDescriptor> all = deployed(4);
    all.forEach(d -> report(d, ExecutionState.RUNNING));
    TaskDeploymentDescriptor failing = all.get(1);
    RuntimeException cause = new RuntimeException("Task " + failing.taskName() + " failed");
    report(failing.attemptId(), ExecutionState.FAILED, cause, Map.of());
    Await.until(() -> tm0.cancelled.size() + tm1.cancelled.size() == 3, "the other 3 tasks cancelled");
    assertThat(client.status()).isEqualTo(JobStatus.FAILING);
    assertThat(tm0.cancelled).doesNotContain(failing.attemptId());
    // a second failure while failing is not the root cause
    report(all.get(0).attemptId(), ExecutionState.FAILED, new RuntimeException("consequence"), Map.of());
    report(all.get(2), ExecutionState.CANCELED);
    assertThat(client.resultFuture()).isNotDone();
    report(all.get(3), ExecutionState.CANCELED);
    JobResult result = result(client);
    assertThat(result.status()).isEqualTo(JobStatus.FAILED);
    assertThat(result.failureCause()).isSameAs(cause);
    assertThat(released).containsExactly(graph.jobId());
  }

  @Test
  void shouldPreferTheProducersFailureOverAConsumerThatOnlyLostItsInput() throws Exception {
    JobClient client = jm.submitJob(TestJobGraphs.twoVertices("lost input", 1, 1), getClass().getClassLoader());
    List<TaskDeploymentDescriptor> all = deployed(2);
    all.forEach(d -> report(d, ExecutionState.RUNNING));
    TaskDeploymentDescriptor producer = all.get(0);
    TaskDeploymentDescriptor consumer = all.get(1);
    RuntimeException consequence = new RuntimeException("Task sink failed",
        new dev.sluice.engine.network.PartitionReleasedException("partition released"));
    report(consumer.attemptId(), ExecutionState.FAILED, consequence, Map.of());
    RuntimeException rootCause = new RuntimeException("Task source failed: boom");
    report(producer.attemptId(), ExecutionState.FAILED, rootCause, Map.of());
    JobResult result = result(client);
    assertThat(result.status()).isEqualTo(JobStatus.FAILED);
    assertThat(result.failureCause()).isSameAs(rootCause);
    assertThat(result.failureCause().getSuppressed()).containsExactly(consequence);
  }

  @Test
  void shouldCancelTheOthersAfterAGracePeriodWhenOnlyALostInputIsReported() throws Exception {
    JobClient client = jm.submitJob(TestJobGraphs.twoVertices("lost input only", 2, 2), getClass().getClassLoader());
    List<TaskDeploymentDescriptor> all = deployed(4);
    all.forEach(d -> report(d, ExecutionState.RUNNING));
    RuntimeException consequence = new RuntimeException("Task sink failed",
        new dev.sluice.engine.network.PartitionReleasedException("partition released"));
    report(all.get(3).attemptId(), ExecutionState.FAILED, consequence, Map.of());
    assertThat(client.status()).isEqualTo(JobStatus.FAILING);
    Await.until(() -> tm0.cancelled.size() + tm1.cancelled.size() == 3, "the other tasks cancelled after the grace period");
    for (int i = 0; i < 3; i++) {
      report(all.get(i), ExecutionState.CANCELED);
    }
    assertThat(result(client).failureCause()).isSameAs(consequence);
  }

  @Test
  void shouldFailTheJobWhenADeploymentFails() throws Exception {
    tm1.submitAnswer = d -> CompletableFuture.failedFuture(new IllegalStateException("no room"));
    JobClient client = jm.submitJob(TestJobGraphs.twoVertices("undeployable", 3, 3), getClass().getClassLoader());
    deployed(6);
    Await.until(() -> tm0.cancelled.size() == 4, "tasks on tm-0 cancelled");
    tm0.cancelled.forEach(a -> report(a, ExecutionState.CANCELED, null, Map.of()));
    JobResult result = result(client);
    assertThat(result.status()).isEqualTo(JobStatus.FAILED);
    assertThat(result.failureCause()).hasMessageContaining("Could not deploy task").hasMessageContaining("(3/3)")
        .hasRootCauseMessage("no room");
  }

  @Test
  void shouldCancelAllTasksAndEndCanceledOnceAllAreTerminal() throws Exception {
    JobGraph graph = TestJobGraphs.twoVertices("cancelled", 2, 1);
    JobClient client = jm.submitJob(graph, getClass().getClassLoader());
    List<TaskDeploymentDescriptor> all = deployed(3);
    report(all.get(0), ExecutionState.RUNNING);
    client.cancel();
    Await.until(() -> tm0.cancelled.size() == 3, "all tasks cancelled");
    assertThat(client.status()).isEqualTo(JobStatus.CANCELLING);
    report(all.get(0), ExecutionState.RUNNING); // stale
    report(all.get(0), ExecutionState.CANCELED);
    report(all.get(1), ExecutionState.FINISHED); // raced with the cancel
    assertThat(client.resultFuture()).isNotDone();
    report(all.get(2), ExecutionState.CANCELED);
    JobResult result = result(client);
    assertThat(result.status()).isEqualTo(JobStatus.CANCELED);
    assertThat(result.failureCause()).isNull();
    assertThat(released).containsExactly(graph.jobId());
  }

  @Test
  void shouldFailAtOnceWhenThereAreNotEnoughSlots() throws Exception {
    JobClient client = jm.submitJob(TestJobGraphs.twoVertices("too big", 5, 1), getClass().getClassLoader());
    JobResult result = result(client);
    assertThat(result.status()).isEqualTo(JobStatus.FAILED);
    assertThat(result.failureCause()).isInstanceOf(NoResourceAvailableException.class)
        .hasMessageContaining("too big").hasMessageContaining("needs 5 task slots").hasMessageContaining("only 4 of 4");
    assertThat(tm0.submitted).isEmpty();
    // the slots stay usable
    JobClient next = jm.submitJob(TestJobGraphs.twoVertices("fits", 4, 4), getClass().getClassLoader());
    deployed(8);
    assertThat(next.status()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void shouldHoldSlotsUntilAJobEnds() throws Exception {
    JobClient first = jm.submitJob(TestJobGraphs.twoVertices("first", 3, 3), getClass().getClassLoader());
    List<TaskDeploymentDescriptor> all = deployed(6);
    JobClient second = jm.submitJob(TestJobGraphs.twoVertices("second", 2, 2), getClass().getClassLoader());
    assertThat(result(second).failureCause()).hasMessageContaining("only 1 of 4");
    all.forEach(d -> report(d, ExecutionState.RUNNING));
    all.forEach(d -> report(d, ExecutionState.FINISHED));
    assertThat(result(first).status()).isEqualTo(JobStatus.FINISHED);
    JobClient third = jm.submitJob(TestJobGraphs.twoVertices("third", 4, 4), getClass().getClassLoader());
    deployed(14);
    assertThat(third.status()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void shouldMergeLiveAccumulatorsOfRunningTasksWithFinalOnesOfEndedTasks() throws Exception {
    JobClient client = jm.submitJob(TestJobGraphs.twoVertices("counting", 2, 2), getClass().getClassLoader());
    List<TaskDeploymentDescriptor> all = deployed(4);
    all.forEach(d -> report(d, ExecutionState.RUNNING));
    report(all.get(0).attemptId(), ExecutionState.FINISHED, null, Map.of("n", new LongSum(100)));
    tm0.accumulatorAnswer = job -> {
      Map<ExecutionAttemptId, Map<String, Accumulator<?>>> live = new java.util.HashMap<>();
      for (TaskDeploymentDescriptor d : tm0.submitted) {
        live.put(d.attemptId(), Map.of("n", new LongSum(1)));
      }
      return CompletableFuture.completedFuture(live);
    };
    tm1.accumulatorAnswer = job -> new CompletableFuture<>(); // never answers: falls back to reported ones
    // the ended task's live snapshot (1) is ignored in favour of its final value (100)
    assertThat(((LongSum) client.accumulators().get("n")).get()).isEqualTo(100 + 3);
  }

  @Test
  void shouldUseTheLatestReportedAccumulatorsWhenATaskManagerDoesNotAnswer() {
    JobClient client = jm.submitJob(TestJobGraphs.twoVertices("silent", 1, 1), getClass().getClassLoader());
    List<TaskDeploymentDescriptor> all = deployed(2);
    report(all.get(0).attemptId(), ExecutionState.RUNNING, null, Map.of("n", new LongSum(5)));
    tm0.accumulatorAnswer = job -> new CompletableFuture<>();
    assertThat(((LongSum) client.accumulators().get("n")).get()).isEqualTo(5);
  }

  @Test
  void shouldIgnoreReportsOfUnknownJobs() {
    report(new ExecutionAttemptId(JobId.generate(), new dev.sluice.engine.graph.VertexId(0), 0, 0),
        ExecutionState.FAILED, new RuntimeException(), Map.of());
  }

  @SuppressWarnings("unused")
  private static OperatorContext unused() {
    return null;
  }
}
