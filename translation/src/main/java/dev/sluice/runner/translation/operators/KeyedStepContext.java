package dev.sluice.runner.translation.operators;

import org.apache.beam.runners.core.StepContext;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;

/**
 * Per-key state and timers of a stateful DoFn in {@link DoFnOperator}: in batch
 * {@link BatchKeyedStepContext} (in memory), in streaming {@link StreamingKeyedStepContext}
 * (the engine's keyed state backend). {@link #stateInternals()} and {@link #timerInternals()}
 * act on the current key. Mailbox thread only.
 */
interface KeyedStepContext extends StepContext {

  /** Fires one timer of one key; the key is already current. */
  @FunctionalInterface
  interface TimerCallback {
    void onTimer(Object key, TimerData timer, BoundedWindow window) throws Exception;
  }

  void setCurrentKey(Object key) throws Exception;

  /**
   * Advances the input watermark to {@code watermark} and fires the timers that became due
   * (at {@code Watermarks.MAX}: every timer, processing-time ones first).
   */
  void fireTimers(long watermark, TimerCallback callback) throws Exception;

  /** Called after each element: e.g. to ask for a processing-time wake-up. */
  default void afterElement() {}

  /**
   * The watermark to forward once the input watermark reached {@code inputWatermark} and the
   * due timers fired; never less than an earlier result.
   */
  default long outputWatermark(long inputWatermark) {
    return inputWatermark;
  }

  /** Releases resources (the state backend). */
  default void close() {}
}
