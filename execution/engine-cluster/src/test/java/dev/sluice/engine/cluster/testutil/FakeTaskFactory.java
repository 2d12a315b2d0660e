package dev.sluice.engine.cluster.testutil;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.cluster.taskmanager.DeployedTask;
import dev.sluice.engine.cluster.taskmanager.TaskFactory;
import dev.sluice.engine.task.ExecutionAttemptId;
import dev.sluice.engine.task.ExecutionState;
import dev.sluice.engine.task.TaskDeploymentDescriptor;
import dev.sluice.engine.task.TaskListener;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tasks that stand in for the engine's {@code Task}: each runs on its own thread
 * ({@code "fake-task <name>"}), reports DEPLOYING and RUNNING, adds 1 to accumulator
 * {@code "tasks"}, then behaves by its job's name: a name containing {@code "fail"} fails,
 * one containing {@code "infinite"} runs until cancelled, any other finishes.
 */
public final class FakeTaskFactory implements TaskFactory {

  public final AtomicBoolean closed = new AtomicBoolean();

  @Override
  public DeployedTask create(TaskDeploymentDescriptor descriptor, TaskListener listener) {
    return new FakeTask(descriptor, listener);
  }

  @Override
  public void close() {
    closed.set(true);
  }

  private static final class FakeTask implements DeployedTask {
    private final TaskDeploymentDescriptor descriptor;
    private final TaskListener listener;
    private final LongSum counter = new LongSum();
    private final CountDownLatch cancelled = new CountDownLatch(1);

    FakeTask(TaskDeploymentDescriptor descriptor, TaskListener listener) {
      this.descriptor = descriptor;
      this.listener = listener;
    }

    @Override
    public ExecutionAttemptId attemptId() {
      return descriptor.attemptId();
    }

    @Override
    public void start() {
      Thread t = new Thread(this::run, "fake-task " + descriptor.taskName());
      t.setDaemon(true);
      t.start();
    }

    private void run() {
      ExecutionAttemptId a = descriptor.attemptId();
      listener.stateChanged(a, ExecutionState.DEPLOYING, null, Map.of());
      listener.stateChanged(a, ExecutionState.RUNNING, null, Map.of());
      counter.add(1);
      String name = descriptor.jobGraph().name();
      if (name.contains("fail")) {
        listener.stateChanged(a, ExecutionState.FAILED, new IllegalStateException("Task " + descriptor.taskName()
            + " of job " + a.job() + " failed: test failure"), accumulatorSnapshot());
      } else if (name.contains("infinite")) {
        try {
          cancelled.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        listener.stateChanged(a, ExecutionState.CANCELED, null, accumulatorSnapshot());
      } else {
        listener.stateChanged(a, ExecutionState.FINISHED, null, accumulatorSnapshot());
      }
    }

    @Override
    public void cancel() {
      cancelled.countDown();
    }

    @Override
    public Map<String, Accumulator<?>> accumulatorSnapshot() {
      return Map.of("tasks", counter.copy());
    }
  }
}
