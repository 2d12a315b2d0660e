package dev.sluice.engine.api;

/**
 * Where an operator emits. Ports are the operator's numbered outputs (a multi-output ParDo has
 * one port per output); what is connected to a port is decided by the graph, not the operator.
 *
 * <p>Mailbox thread only. Emitting may block while downstream buffers are full (backpressure).
 */
public interface Output {

  /** Emits a value with its timestamp (epoch millis; {@link Watermarks#MIN} if it has none). */
  void emit(int port, Object value, long timestamp);

  /** Emits a watermark to every port. Watermarks an operator emits must not decrease. */
  void emitWatermark(long watermark);

  /**
   * Marks this task's output streams idle (a source with nothing to read for now) or active
   * again. While idle, consumers leave this task out of their minimum watermark, so it does
   * not hold event time back. Emitting a record or a watermark makes the streams active again
   * by itself. Only sources need this; the engine propagates idleness through the job (a task
   * whose inputs are all idle is idle). Outputs that have no consumers ignore it.
   */
  default void markIdle(boolean idle) {}
}
