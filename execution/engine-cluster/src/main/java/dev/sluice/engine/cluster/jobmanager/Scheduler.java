package dev.sluice.engine.cluster.jobmanager;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.cluster.client.JobStatus;
import dev.sluice.engine.cluster.executiongraph.Execution;
import dev.sluice.engine.cluster.executiongraph.ExecutionGraph;
import dev.sluice.engine.cluster.rpc.EndpointExecutors;
import dev.sluice.engine.cluster.rpc.SlotId;
import dev.sluice.engine.cluster.rpc.TaskManagerGateway;
import dev.sluice.engine.cluster.rpc.TaskManagerId;
import dev.sluice.engine.task.ExecutionAttemptId;
import dev.sluice.engine.task.ExecutionState;
import dev.sluice.engine.task.TaskDeploymentDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one job: allocates its slots, deploys every subtask at once (pipelined: a consumer must
 * run while its producers run), reacts to task state reports, and decides the job's fate.
 *
 * <p>Failover policy (no restarts yet): the first FAILED task moves the job to FAILING and
 * cancels every other task; once all tasks are terminal the job is FAILED with that task's
 * exception as root cause, unless it only failed because another task's partition went away
 * and that other task's own failure arrives later ({@link FailureClassifier}). After such a
 * consequential first failure the other tasks are cancelled only after a short grace period
 * (or as soon as a real failure arrives), so the failing producer can report FAILED before it
 * is cancelled. Cancellation moves the job to CANCELLING, cancels all tasks and
 * ends CANCELED once all are terminal. The job is terminal only when every task is, so no task
 * of an ended job still runs.
 *
 * <h3>Threading model</h3>
 * Not thread-safe: every method runs on the JobManager main thread; gateway replies are moved
 * back onto it with {@code *Async(..., mainThread)}.
 *
 * <h3>Lifecycle</h3>
 * {@link #start()} once; {@link #cancel()} any time; {@code onTerminal} is called exactly once,
 * when the job reached a terminal status.
 */
final class Scheduler {

  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

  private final ExecutionGraph graph;
  private final SlotPool slotPool;
  private final ScheduledExecutorService mainThread;
  private final Duration accumulatorTimeout;
  private final Consumer<JobStatus> statusListener;
  private final Consumer<Scheduler> onTerminal;
  private final Duration consequenceGracePeriod;
  /** A delayed cancellation of all tasks after a consequential first failure; null if none. */
  private ScheduledFuture<?> pendingCancel;
  /** Set once the job was asked to drain. */
  private boolean draining;

  Scheduler(ExecutionGraph graph, SlotPool slotPool, ScheduledExecutorService mainThread, Duration accumulatorTimeout,
      Consumer<JobStatus> statusListener, Consumer<Scheduler> onTerminal, Duration consequenceGracePeriod) {
    this.consequenceGracePeriod = consequenceGracePeriod;
    this.graph = graph;
    this.slotPool = slotPool;
    this.mainThread = mainThread;
    this.accumulatorTimeout = accumulatorTimeout;
    this.statusListener = statusListener;
    this.onTerminal = onTerminal;
  }

  ExecutionGraph graph() {
    return graph;
  }

  void start() {
    List<SlotId> slots;
    try {
      slots = slotPool.allocate(graph.jobId(), graph.describe(), graph.requiredSlots());
    } catch (NoResourceAvailableException e) {
      graph.recordFailure(e);
      for (Execution execution : graph.executions()) {
        execution.transitionState(ExecutionState.CANCELED);
      }
      transition(JobStatus.FAILED);
      onTerminal.accept(this);
      return;
    }
    transition(JobStatus.RUNNING);
    // Slot sharing: slot i runs subtask i of every vertex.
    for (Execution execution : graph.executions()) {
      execution.assignSlot(slots.get(execution.vertex().subtaskIndex()));
    }
    for (Execution execution : graph.executions()) {
      if (graph.status() != JobStatus.RUNNING) {
        break; // defensive: replies arrive asynchronously, so nothing in this loop changes the status today
      }
      deploy(execution);
    }
  }

  private void deploy(Execution execution) {
    execution.transitionState(ExecutionState.DEPLOYING);
    ExecutionAttemptId attempt = execution.attemptId();
    TaskManagerGateway gateway = slotPool.gateway(execution.slot().taskManager());
    gateway.submitTask(new TaskDeploymentDescriptor(attempt, graph.jobGraph()))
        .whenCompleteAsync((ok, error) -> {
          if (error != null) {
            Throwable cause = unwrap(error);
            updateTaskExecutionState(attempt, ExecutionState.FAILED, new IllegalStateException("Could not deploy task "
                + execution.taskName() + " of job " + graph.describe() + " to slot " + execution.slot() + ": " + cause, cause),
                null);
          }
        }, mainThread);
  }

  /** A report from a task (or a failed deployment); see {@link Execution#reportState}. */
  void updateTaskExecutionState(
      ExecutionAttemptId attempt, ExecutionState state, Throwable cause, Map<String, Accumulator<?>> accumulators) {
    Execution execution = graph.execution(attempt);
    if (execution == null) {
      LOG.warn("Ignoring state {} of unknown task attempt {} of job {}", state, attempt, graph.describe());
      return;
    }
    execution.updateAccumulators(accumulators);
    if (!execution.reportState(state, cause)) {
      return;
    }
    if (state == ExecutionState.FAILED) {
      onTaskFailed(execution, cause);
    } else if (state == ExecutionState.CANCELED && graph.status() == JobStatus.RUNNING) {
      // Nobody asked for this: treat it as a failure so the job does not report FINISHED.
      onTaskFailed(execution, new IllegalStateException("Task " + execution.taskName() + " of job "
          + graph.describe() + " was canceled although neither the job was cancelled nor another task failed"));
    }
    if (state.isTerminal()) {
      checkJobTerminal();
    }
  }

  private void onTaskFailed(Execution execution, Throwable cause) {
    Throwable failure = cause != null ? cause
        : new IllegalStateException("Task " + execution.taskName() + " of job " + graph.describe() + " failed without a cause");
    if (graph.status() == JobStatus.RUNNING) {
      graph.recordFailure(failure);
      transition(JobStatus.FAILING);
      if (FailureClassifier.isConsequenceOfAnotherFailure(failure)) {
        // The producer that released the partition is probably failing right now and reports
        // after its cleanup; cancelling it first would turn its report into CANCELED and lose
        // the root cause. Give it a moment (cancelled early if a real failure arrives).
        LOG.info("Task {} lost an input; waiting up to {} for the root cause before cancelling job {}",
            execution.taskName(), consequenceGracePeriod, graph.describe());
        pendingCancel = mainThread.schedule(this::cancelAllTasks, consequenceGracePeriod.toMillis(), TimeUnit.MILLISECONDS);
      } else {
        cancelAllTasks();
      }
    } else if (graph.status() == JobStatus.FAILING
        && FailureClassifier.isConsequenceOfAnotherFailure(graph.failureCause())
        && !FailureClassifier.isConsequenceOfAnotherFailure(failure)) {
      LOG.info("Task {} failed; taking its failure as root cause of job {}, the earlier one was a consequence",
          execution.taskName(), graph.describe());
      graph.replaceFailure(failure);
      cancelAllTasks();
    } else {
      LOG.info("Task {} failed while job {} was {}; keeping the first cause", execution.taskName(), graph.describe(),
          graph.status());
    }
  }

  void cancel() {
    switch (graph.status()) {
      case RUNNING -> {
        transition(JobStatus.CANCELLING);
        cancelAllTasks();
        checkJobTerminal();
      }
      case CREATED -> {
        for (Execution execution : graph.executions()) {
          execution.transitionState(ExecutionState.CANCELED);
        }
        transition(JobStatus.CANCELED);
        onTerminal.accept(this);
      }
      default -> LOG.info("Ignoring cancel of job {} in status {}", graph.describe(), graph.status());
    }
  }

  /**
   * Drain: asks every deployed task to drain (see {@code Task#drain()}); the job then ends
   * FINISHED as its tasks finish. Only a RUNNING job drains, and only once.
   */
  void drain() {
    if (graph.status() != JobStatus.RUNNING || draining) {
      LOG.info("Ignoring drain of job {} in status {}{}", graph.describe(), graph.status(), draining ? " (already draining)" : "");
      return;
    }
    draining = true;
    LOG.info("Draining job {}", graph.describe());
    for (Execution execution : graph.executions()) {
      if (execution.state() == ExecutionState.DEPLOYING || execution.state() == ExecutionState.RUNNING) {
        slotPool.gateway(execution.slot().taskManager()).drainTask(execution.attemptId())
            .whenCompleteAsync((ok, error) -> {
              if (error != null && !execution.state().isTerminal()) {
                LOG.warn("Could not drain task {} of job {}", execution.taskName(), graph.describe(), unwrap(error));
              }
            }, mainThread);
      }
    }
  }

  private void cancelAllTasks() {
    if (pendingCancel != null) {
      pendingCancel.cancel(false);
      pendingCancel = null;
    }
    for (Execution execution : graph.executions()) {
      cancelTask(execution);
    }
  }

  private void cancelTask(Execution execution) {
    switch (execution.state()) {
      case CREATED -> execution.transitionState(ExecutionState.CANCELED);
      case DEPLOYING, RUNNING -> {
        execution.transitionState(ExecutionState.CANCELING);
        slotPool.gateway(execution.slot().taskManager()).cancelTask(execution.attemptId())
            .whenCompleteAsync((ok, error) -> {
              if (error != null && !execution.state().isTerminal()) {
                // The TaskManager no longer knows the task, so no terminal report will come.
                LOG.warn("Could not cancel task {} of job {}; marking it CANCELED", execution.taskName(),
                    graph.describe(), unwrap(error));
                execution.reportState(ExecutionState.CANCELED, null);
                checkJobTerminal();
              }
            }, mainThread);
      }
      default -> {
        // CANCELING already, or terminal.
      }
    }
  }

  private void checkJobTerminal() {
    if (graph.status().isTerminal() || !graph.allExecutionsTerminal()) {
      return;
    }
    switch (graph.status()) {
      case RUNNING -> transition(JobStatus.FINISHED);
      case FAILING -> transition(JobStatus.FAILED);
      case CANCELLING -> transition(JobStatus.CANCELED);
      default -> throw new IllegalStateException("Illegal state " + graph.status() + " while ending job " + graph.describe());
    }
    if (pendingCancel != null) {
      pendingCancel.cancel(false);
      pendingCancel = null;
    }
    onTerminal.accept(this);
  }

  /** The accumulators of all tasks merged: live snapshots of running tasks, stored ones of the rest. */
  CompletableFuture<Map<String, Accumulator<?>>> requestAccumulators() {
    Set<TaskManagerId> hosts = new LinkedHashSet<>();
    for (Execution execution : graph.executions()) {
      if (!execution.state().isTerminal() && execution.slot() != null) {
        hosts.add(execution.slot().taskManager());
      }
    }
    List<CompletableFuture<Map<ExecutionAttemptId, Map<String, Accumulator<?>>>>> replies = new ArrayList<>();
    for (TaskManagerId host : hosts) {
      CompletableFuture<Map<ExecutionAttemptId, Map<String, Accumulator<?>>>> reply =
          slotPool.gateway(host).requestAccumulators(graph.jobId()).exceptionally(e -> {
            LOG.warn("Could not get accumulators of job {} from task manager {}", graph.describe(), host, e);
            return Map.of();
          });
      replies.add(EndpointExecutors.completeOnTimeout(reply, Map.of(), accumulatorTimeout, mainThread));
    }
    return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).thenApplyAsync(v -> {
      Map<ExecutionAttemptId, Map<String, Accumulator<?>>> live = new HashMap<>();
      for (CompletableFuture<Map<ExecutionAttemptId, Map<String, Accumulator<?>>>> reply : replies) {
        live.putAll(reply.join());
      }
      return mergedAccumulators(live);
    }, mainThread);
  }

  /** Merged accumulators from what the tasks reported last (final ones once the job ended). */
  Map<String, Accumulator<?>> mergedAccumulators(Map<ExecutionAttemptId, Map<String, Accumulator<?>>> live) {
    List<Map<String, Accumulator<?>>> perTask = new ArrayList<>();
    for (Execution execution : graph.executions()) {
      Map<String, Accumulator<?>> snapshot = execution.state().isTerminal() ? null : live.get(execution.attemptId());
      perTask.add(snapshot != null ? snapshot : execution.accumulators());
    }
    return Accumulators.merge(perTask);
  }

  private void transition(JobStatus next) {
    graph.transitionTo(next);
    statusListener.accept(next);
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}
