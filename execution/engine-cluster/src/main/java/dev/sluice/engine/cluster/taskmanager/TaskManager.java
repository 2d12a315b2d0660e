package dev.sluice.engine.cluster.taskmanager;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.cluster.rpc.EndpointExecutors;
import dev.sluice.engine.cluster.rpc.JobManagerGateway;
import dev.sluice.engine.cluster.rpc.SlotId;
import dev.sluice.engine.cluster.rpc.TaskManagerGateway;
import dev.sluice.engine.cluster.rpc.TaskManagerId;
import dev.sluice.engine.cluster.rpc.TaskNotFoundException;
import dev.sluice.engine.graph.JobId;
import dev.sluice.engine.task.ExecutionAttemptId;
import dev.sluice.engine.task.ExecutionState;
import dev.sluice.engine.task.TaskDeploymentDescriptor;
import dev.sluice.engine.task.TaskListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Offers task slots to the JobManager and runs the subtasks deployed into them, one thread per
 * task (owned by the task). Task state changes are forwarded to the JobManager as they happen.
 * The slots themselves are bookkept by the JobManager's slot pool; this side only runs what it
 * is given.
 *
 * <h3>Threading model</h3>
 * The task table is confined to one main thread ({@code sluice-taskmanager-<id>}); gateway
 * methods enqueue work there and return futures. Task listeners run on task threads: they call
 * the JobManager gateway (which only enqueues) and enqueue their own bookkeeping on the main
 * thread, so a task thread never waits for the TaskManager.
 *
 * <h3>Lifecycle</h3>
 * {@code new} -> {@link #start()} (registers, offers slots, starts heartbeats) -> tasks come
 * and go -> {@link #close()}: cancels all tasks, waits up to the cancellation timeout for them to
 * reach a terminal state, stops the main thread and closes the {@link TaskFactory}.
 */
public final class TaskManager implements TaskManagerGateway, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TaskManager.class);

  private final TaskManagerId id;
  private final int numberOfSlots;
  private final JobManagerGateway jobManager;
  private final TaskFactory taskFactory;
  private final Duration heartbeatInterval;
  private final Duration cancellationTimeout;
  private final ScheduledExecutorService mainThread;
  /** Tasks started and not yet terminal. Main thread only. */
  private final Map<ExecutionAttemptId, RunningTask> tasks = new LinkedHashMap<>();
  /** Set by close(); no task is accepted afterwards. Main thread only. */
  private boolean closing;

  public TaskManager(TaskManagerId id, int numberOfSlots, JobManagerGateway jobManager, TaskFactory taskFactory,
      Duration heartbeatInterval, Duration cancellationTimeout) {
    this.id = id;
    this.numberOfSlots = numberOfSlots;
    this.jobManager = jobManager;
    this.taskFactory = taskFactory;
    this.heartbeatInterval = heartbeatInterval;
    this.cancellationTimeout = cancellationTimeout;
    this.mainThread = EndpointExecutors.newMainThread("sluice-taskmanager-" + id);
  }

  /** Registers with the JobManager and offers the slots; completes once they are offered. */
  public CompletableFuture<Void> start() {
    mainThread.scheduleAtFixedRate(() -> jobManager.heartbeat(id), heartbeatInterval.toMillis(),
        heartbeatInterval.toMillis(), TimeUnit.MILLISECONDS);
    List<SlotId> slots = new ArrayList<>();
    for (int i = 0; i < numberOfSlots; i++) {
      slots.add(new SlotId(id, i));
    }
    return jobManager.registerTaskManager(id, this).thenCompose(v -> jobManager.offerSlots(id, slots));
  }

  @Override
  public TaskManagerId id() {
    return id;
  }

  @Override
  public CompletableFuture<Void> submitTask(TaskDeploymentDescriptor descriptor) {
    return runAsync(() -> {
      ExecutionAttemptId attempt = descriptor.attemptId();
      try (MDC.MDCCloseable ignored = MDC.putCloseable("jobId", attempt.job().toString())) {
        if (closing) {
          throw new IllegalStateException("Task manager " + id + " is shutting down; cannot run task "
              + descriptor.taskName() + " of job " + attempt.job());
        }
        if (tasks.containsKey(attempt)) {
          throw new IllegalStateException("Task " + descriptor.taskName() + " (" + attempt + ") already runs on task manager " + id);
        }
        AtomicBoolean ended = new AtomicBoolean();
        CompletableFuture<Void> terminated = new CompletableFuture<>();
        DeployedTask task = taskFactory.create(descriptor, new ForwardingListener(ended, terminated));
        tasks.put(attempt, new RunningTask(task, ended, terminated));
        try {
          task.start();
        } catch (RuntimeException e) {
          tasks.remove(attempt);
          throw e;
        }
        LOG.debug("Started task {} ({}) on task manager {}", descriptor.taskName(), attempt, id);
        return null;
      }
    });
  }

  @Override
  public CompletableFuture<Void> cancelTask(ExecutionAttemptId attempt) {
    return runAsync(() -> {
      RunningTask running = tasks.get(attempt);
      if (running == null) {
        throw new TaskNotFoundException(attempt, id);
      }
      running.task.cancel();
      return null;
    });
  }

  @Override
  public CompletableFuture<Void> drainTask(ExecutionAttemptId attempt) {
    return runAsync(() -> {
      RunningTask running = tasks.get(attempt);
      if (running == null) {
        throw new TaskNotFoundException(attempt, id);
      }
      running.task.drain();
      return null;
    });
  }

  @Override
  public CompletableFuture<Map<ExecutionAttemptId, Map<String, Accumulator<?>>>> requestAccumulators(JobId job) {
    return runAsync(() -> {
      Map<ExecutionAttemptId, Map<String, Accumulator<?>>> snapshots = new HashMap<>();
      for (Map.Entry<ExecutionAttemptId, RunningTask> e : tasks.entrySet()) {
        if (e.getKey().job().equals(job)) {
          try {
            snapshots.put(e.getKey(), e.getValue().task.accumulatorSnapshot());
          } catch (RuntimeException failure) {
            // The JobManager then uses the task's last reported accumulators.
            LOG.warn("Could not snapshot the accumulators of task {}", e.getKey(), failure);
          }
        }
      }
      return snapshots;
    });
  }

  @Override
  public CompletableFuture<Void> freeSlots(JobId job) {
    return runAsync(() -> {
      for (Map.Entry<ExecutionAttemptId, RunningTask> e : tasks.entrySet()) {
        if (e.getKey().job().equals(job) && !e.getValue().ended.get()) {
          LOG.warn("Task {} still ran when its job's slots were freed; cancelling it", e.getKey());
          e.getValue().task.cancel();
        }
      }
      return null;
    });
  }

  /** Number of tasks not yet terminal (for tests and metrics). */
  public CompletableFuture<Integer> runningTaskCount() {
    return runAsync(tasks::size);
  }

  @Override
  public void close() {
    List<RunningTask> running;
    try {
      running = runAsync(() -> {
        closing = true;
        for (RunningTask t : tasks.values()) {
          t.task.cancel();
        }
        return List.copyOf(tasks.values());
      }).get(cancellationTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = List.of();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("Could not cancel the tasks of task manager {}", id, e);
      running = List.of();
    }
    awaitTermination(running);
    EndpointExecutors.shutdownAndAwait(mainThread, "Task manager " + id, cancellationTimeout);
    taskFactory.close();
    LOG.info("Task manager {} stopped", id);
  }

  private void awaitTermination(List<RunningTask> running) {
    CompletableFuture<?>[] terminated = running.stream().map(RunningTask::terminated).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(terminated).get(cancellationTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      List<ExecutionAttemptId> stuck = running.stream().filter(t -> !t.terminated.isDone()).map(t -> t.task.attemptId()).toList();
      LOG.warn("Tasks {} of task manager {} did not stop within {} after cancellation; their threads may leak",
          stuck, id, cancellationTimeout);
    }
  }

  private <T> CompletableFuture<T> runAsync(Supplier<T> action) {
    return EndpointExecutors.callAsync(mainThread, () -> CompletableFuture.completedFuture(action.get()));
  }

  /**
   * @param ended set by the task thread just before it reports its terminal state
   * @param terminated completed by the task thread once it reported its terminal state
   */
  private record RunningTask(DeployedTask task, AtomicBoolean ended, CompletableFuture<Void> terminated) {}

  /** Runs on the task's thread: forwards to the JobManager and enqueues the bookkeeping. */
  private final class ForwardingListener implements TaskListener {
    private final AtomicBoolean ended;
    private final CompletableFuture<Void> terminated;

    ForwardingListener(AtomicBoolean ended, CompletableFuture<Void> terminated) {
      this.ended = ended;
      this.terminated = terminated;
    }

    @Override
    public void stateChanged(
        ExecutionAttemptId attempt, ExecutionState state, Throwable cause, Map<String, Accumulator<?>> accumulators) {
      if (state.isTerminal()) {
        // Before the report: once the JobManager hears it, it may free the slots right away.
        ended.set(true);
      }
      jobManager.updateTaskExecutionState(attempt, state, cause, accumulators == null ? Map.of() : accumulators)
          .whenComplete((v, e) -> {
            if (e != null) {
              LOG.warn("Could not report state {} of task {} to the job manager", state, attempt, e);
            }
          });
      if (state.isTerminal()) {
        try {
          mainThread.execute(() -> tasks.remove(attempt));
        } catch (RejectedExecutionException e) {
          // The task manager is closing and forgets all tasks anyway.
        }
        terminated.complete(null);
      }
    }
  }
}
