package dev.sluice.engine.cluster.taskmanager;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.task.ExecutionAttemptId;
import dev.sluice.engine.task.Task;
import dev.sluice.engine.task.TaskDeploymentDescriptor;
import dev.sluice.engine.task.TaskEnvironment;
import dev.sluice.engine.task.TaskListener;
import java.util.Map;

/**
 * Runs subtasks as engine {@link Task}s sharing one {@link TaskEnvironment}, which this factory
 * owns: {@link #close()} closes it (cancels stragglers, joins their threads, stops its timer
 * thread).
 */
public final class EngineTaskFactory implements TaskFactory {

  private final TaskEnvironment environment;

  public EngineTaskFactory(TaskEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public DeployedTask create(TaskDeploymentDescriptor descriptor, TaskListener listener) {
    Task task = new Task(descriptor, environment, listener);
    return new DeployedTask() {
      @Override
      public ExecutionAttemptId attemptId() {
        return task.attemptId();
      }

      @Override
      public void start() {
        task.start();
      }

      @Override
      public void cancel() {
        task.cancel();
      }

      @Override
      public void drain() {
        task.drain();
      }

      @Override
      public Map<String, Accumulator<?>> accumulatorSnapshot() {
        return task.accumulatorSnapshot();
      }
    };
  }

  @Override
  public void close() {
    environment.close();
  }
}
