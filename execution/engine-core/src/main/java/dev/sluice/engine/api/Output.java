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
}
