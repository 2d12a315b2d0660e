package dev.sluice.runner.translation.operators;

import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Watermarks;
import dev.sluice.engine.state.heap.HeapKeyedStateBackend;
import dev.sluice.engine.state.heap.HeapKeyedStateBackendBuilder;
import dev.sluice.runner.translation.serde.EncodedKey;
import dev.sluice.runner.translation.serde.EncodedKeySerializer;
import dev.sluice.runner.translation.state.SluiceStateInternals;
import dev.sluice.runner.translation.state.SluiceTimerInternals;
import dev.sluice.runner.translation.state.WatermarkHoldTracker;
import java.io.IOException;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;

/**
 * State and timers of a stateful DoFn in streaming: a heap keyed state backend for the
 * subtask's key groups, seen through {@link SluiceStateInternals} and {@link SluiceTimerInternals}.
 * Event-time timers fire as the watermark passes them; processing-time timers from the task's
 * processing time service (the operator's timer callback runs there too, then
 * {@code afterProcessingTimeTimers}, e.g. to finish the bundle). At the end of input
 * ({@link Watermarks#MAX}) processing-time timers fire first, then all event-time timers, as
 * in batch: a finished input gets no more processing time, and a window's expiration
 * ({@code @OnWindowExpiration}, state cleanup) must come last.
 *
 * <p>Output watermark: min(input watermark, earliest output timestamp of a pending timer),
 * never decreasing.
 *
 * <p>Lifecycle: built in the operator's {@code open} (empty: not restored from snapshots yet)
 * -> {@link #close()}. Mailbox thread only.
 */
final class StreamingKeyedStepContext implements KeyedStepContext {

  private final Coder<Object> keyCoder;
  private final HeapKeyedStateBackend<EncodedKey> backend;
  private final SluiceStateInternals<Object> stateInternals;
  private final SluiceTimerInternals timerInternals;
  private final DoFn.BundleFinalizer finalizer;
  private TimerCallback callback;
  private long emittedWatermark = Watermarks.MIN;
  /**
   * Recent keys, direct-mapped by hash. An element's key is encoded anew; when it equals the
   * recent key in its slot, that instance (the one its state was stored under, most likely)
   * becomes the current key, so state and timer lookups match it by identity, not by bytes.
   */
  private final EncodedKey[] recentKeys = new EncodedKey[1024];

  StreamingKeyedStepContext(
      OperatorContext context,
      Coder<Object> keyCoder,
      Coder<? extends BoundedWindow> windowCoder,
      TimerCallback callback,
      SluiceTimerInternals.AfterProcessingTimeTimers afterProcessingTimeTimers,
      DoFn.BundleFinalizer finalizer) throws IOException {
    this.keyCoder = keyCoder;
    this.finalizer = finalizer;
    this.callback = callback;
    this.backend = new HeapKeyedStateBackendBuilder<>(
        new EncodedKeySerializer(), context.maxParallelism(), context.keyGroupRange())
        .setName(context.taskName())
        .build();
    WatermarkHoldTracker holds = new WatermarkHoldTracker();
    this.stateInternals = new SluiceStateInternals<>(backend, keyCoder, holds);
    this.timerInternals = new SluiceTimerInternals(backend, windowCoder, context.processingTimeService(), holds);
    timerInternals.setHandler(timer -> this.callback.onTimer(
        stateInternals.getKey(), timer, BatchKeyedStepContext.windowOf(timer.getNamespace())));
    timerInternals.setAfterProcessingTimeTimers(afterProcessingTimeTimers);
  }

  @Override
  public DoFn.BundleFinalizer bundleFinalizer() {
    return finalizer == null ? KeyedStepContext.super.bundleFinalizer() : finalizer;
  }

  @Override
  public StateInternals stateInternals() {
    return stateInternals;
  }

  @Override
  public TimerInternals timerInternals() {
    return timerInternals;
  }

  @Override
  public void setCurrentKey(Object key) throws Exception {
    EncodedKey encoded = new EncodedKey(CoderUtils.encodeToByteArray(keyCoder, key));
    int slot = encoded.hashCode() & (recentKeys.length - 1);
    EncodedKey recent = recentKeys[slot];
    if (encoded.equals(recent)) {
      encoded = recent;
    } else {
      recentKeys[slot] = encoded;
    }
    backend.setCurrentKey(encoded);
  }

  @Override
  public void fireTimers(long watermark, TimerCallback callback) throws Exception {
    this.callback = callback;
    if (watermark == Watermarks.MAX) {
      timerInternals.advanceProcessingTime(Long.MAX_VALUE);
    }
    timerInternals.advanceInputWatermark(watermark);
    timerInternals.scheduleProcessingTimeWakeUp();
  }

  @Override
  public void afterElement() {
    timerInternals.scheduleProcessingTimeWakeUp();
  }

  @Override
  public long outputWatermark(long inputWatermark) {
    long out = inputWatermark == Watermarks.MAX
        ? Watermarks.MAX
        : Math.min(inputWatermark, timerInternals.outputHolds().earliest());
    emittedWatermark = Math.max(emittedWatermark, out);
    timerInternals.setOutputWatermark(emittedWatermark);
    return emittedWatermark;
  }

  /** Number of pending timers over all keys (tests). */
  int numberOfTimers() {
    return timerInternals.numberOfTimers();
  }

  @Override
  public void close() {
    backend.close();
  }
}
