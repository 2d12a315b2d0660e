package dev.sluice.engine.cluster.rpc;

import dev.sluice.engine.task.ExecutionAttemptId;

/** A TaskManager was asked about a task attempt it does not run. */
public final class TaskNotFoundException extends RuntimeException {
  public TaskNotFoundException(ExecutionAttemptId attempt, TaskManagerId taskManager) {
    super("Task " + attempt + " is not running on task manager " + taskManager
        + "; it probably reached a terminal state already.");
  }
}
