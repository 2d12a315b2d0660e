package dev.sluice.engine.cluster.taskmanager;

import dev.sluice.engine.task.TaskDeploymentDescriptor;
import dev.sluice.engine.task.TaskListener;

/**
 * Creates the tasks of one TaskManager and owns the services they share (the engine's
 * {@code TaskEnvironment}); {@link #close()} releases those once all tasks ended.
 */
public interface TaskFactory extends AutoCloseable {

  DeployedTask create(TaskDeploymentDescriptor descriptor, TaskListener listener);

  @Override
  void close();
}
