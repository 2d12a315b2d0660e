package dev.sluice.engine.cluster.executiongraph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.engine.cluster.client.JobStatus;
import dev.sluice.engine.cluster.rpc.SlotId;
import dev.sluice.engine.cluster.rpc.TaskManagerId;
import dev.sluice.engine.cluster.testutil.TestJobGraphs;
import dev.sluice.engine.graph.JobGraph;
import dev.sluice.engine.task.ExecutionState;
import org.junit.jupiter.api.Test;

class ExecutionGraphTest {

  private final JobGraph jobGraph = TestJobGraphs.twoVertices("job", 2, 3);
  private final ExecutionGraph graph = new ExecutionGraph(jobGraph);

  @Test
  void shouldExpandVerticesIntoOneExecutionPerSubtask() {
    assertThat(graph.vertices()).hasSize(2);
    assertThat(graph.vertices().get(0).subtasks()).hasSize(2);
    assertThat(graph.vertices().get(1).subtasks()).hasSize(3);
    assertThat(graph.executions()).hasSize(5);
    assertThat(graph.requiredSlots()).isEqualTo(3);
    Execution e = graph.vertices().get(1).subtasks().get(2).currentExecution();
    assertThat(e.attemptId().job()).isEqualTo(jobGraph.jobId());
    assertThat(e.attemptId().subtask()).isEqualTo(2);
    assertThat(e.taskName()).isEqualTo("sink (3/3)#0");
    assertThat(graph.execution(e.attemptId())).isSameAs(e);
    assertThat(graph.executions()).allMatch(x -> x.state() == ExecutionState.CREATED);
  }

  @Test
  void shouldFollowTheLegalExecutionLifecycle() {
    Execution e = graph.executions().get(0);
    e.assignSlot(new SlotId(new TaskManagerId("tm"), 0));
    e.transitionState(ExecutionState.DEPLOYING);
    assertThat(e.reportState(ExecutionState.DEPLOYING, null)).as("repeated report").isFalse();
    assertThat(e.reportState(ExecutionState.RUNNING, null)).isTrue();
    assertThat(e.reportState(ExecutionState.FINISHED, null)).isTrue();
    assertThat(e.state()).isEqualTo(ExecutionState.FINISHED);
    assertThat(e.reportState(ExecutionState.FAILED, new RuntimeException())).as("terminal is final").isFalse();
    assertThatThrownBy(() -> e.transitionState(ExecutionState.CANCELING)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("source (1/2)#0").hasMessageContaining("FINISHED");
  }

  @Test
  void shouldRejectIllegalTransitionsTheJobManagerDecides() {
    Execution e = graph.executions().get(0);
    assertThatThrownBy(() -> e.transitionState(ExecutionState.RUNNING)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Illegal state CREATED");
  }

  @Test
  void shouldIgnoreStaleReportsButAcceptTheTasksTerminalState() {
    Execution e = graph.executions().get(0);
    e.transitionState(ExecutionState.DEPLOYING);
    e.transitionState(ExecutionState.CANCELING);
    assertThat(e.reportState(ExecutionState.RUNNING, null)).as("stale RUNNING after cancel").isFalse();
    assertThat(e.state()).isEqualTo(ExecutionState.CANCELING);
    assertThat(e.reportState(ExecutionState.FINISHED, null)).as("task finished before it saw the cancel").isTrue();
    assertThat(e.state()).isEqualTo(ExecutionState.FINISHED);
  }

  @Test
  void shouldKeepTheFirstFailureAndItsAccumulatorsOnceTerminal() {
    Execution e = graph.executions().get(1);
    e.transitionState(ExecutionState.DEPLOYING);
    RuntimeException cause = new RuntimeException("boom");
    e.updateAccumulators(java.util.Map.of("n", new dev.sluice.engine.cluster.testutil.LongSum(3)));
    assertThat(e.reportState(ExecutionState.FAILED, cause)).isTrue();
    e.updateAccumulators(java.util.Map.of());
    assertThat(e.failureCause()).isSameAs(cause);
    assertThat(e.accumulators()).containsKey("n");
    graph.recordFailure(cause);
    graph.recordFailure(new RuntimeException("later"));
    assertThat(graph.failureCause()).isSameAs(cause);
  }

  @Test
  void shouldEnforceJobStatusTransitions() {
    assertThat(graph.status()).isEqualTo(JobStatus.CREATED);
    assertThatThrownBy(() -> graph.transitionTo(JobStatus.FINISHED)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(jobGraph.jobId().toString());
    graph.transitionTo(JobStatus.RUNNING);
    graph.transitionTo(JobStatus.FAILING);
    assertThatThrownBy(() -> graph.transitionTo(JobStatus.CANCELED)).isInstanceOf(IllegalStateException.class);
    graph.transitionTo(JobStatus.FAILED);
    assertThat(graph.status().isTerminal()).isTrue();
  }

  @Test
  void shouldKnowWhenAllExecutionsAreTerminal() {
    assertThat(graph.allExecutionsTerminal()).isFalse();
    for (Execution e : graph.executions()) {
      e.transitionState(ExecutionState.CANCELED);
    }
    assertThat(graph.allExecutionsTerminal()).isTrue();
  }
}
