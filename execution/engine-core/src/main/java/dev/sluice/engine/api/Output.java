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

  /**
   * For a source that drives a job's synthetic processing time
   * ({@code JobConfig#PROCESSING_TIME_MODE}): sets processing time to {@code time} in this task
   * (its due processing-time timers fire now, in timestamp order) and then sends it downstream
   * after everything emitted so far. Each consuming task aligns it over all its channels, fires
   * its own timers and forwards it in turn, so every task sees processing time move only after
   * the output of everything before it arrived. Emitting the current time again is a barrier
   * that orders this source's steps across stages without moving the clock. Processing time
   * never decreases. Ignored by the clock in wall-clock jobs (the barrier still travels).
   */
  default void emitProcessingTime(long time) throws Exception {}
}
