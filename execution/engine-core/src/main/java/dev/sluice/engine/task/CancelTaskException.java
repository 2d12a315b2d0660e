package dev.sluice.engine.task;

/** Thrown on the task thread to unwind it after {@link Task#cancel()}; never a failure. */
final class CancelTaskException extends RuntimeException {
  CancelTaskException() {
    super("Task canceled", null, false, false);
  }
}
