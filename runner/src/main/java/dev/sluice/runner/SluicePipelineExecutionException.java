package dev.sluice.runner;

import org.apache.beam.sdk.Pipeline;

/**
 * A {@link Pipeline.PipelineExecutionException} whose cause is the user's exception and whose
 * message also says where the job failed (the engine's job/vertex/subtask description), which
 * Beam's exception type alone cannot carry.
 */
public final class SluicePipelineExecutionException extends Pipeline.PipelineExecutionException {

  private static final long serialVersionUID = 1L;

  private final String message;

  SluicePipelineExecutionException(String whereFailed, Throwable userCause) {
    super(userCause);
    this.message = whereFailed == null ? String.valueOf(userCause) : whereFailed + ": " + userCause;
  }

  @Override
  public String getMessage() {
    return message;
  }
}
