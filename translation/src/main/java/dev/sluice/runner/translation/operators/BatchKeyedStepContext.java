package dev.sluice.runner.translation.operators;

import dev.sluice.engine.api.Watermarks;
import dev.sluice.runner.translation.serde.EncodedKey;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.joda.time.Instant;

/**
 * State and timers of a stateful DoFn in batch: one {@link InMemoryStateInternals} and one
 * {@link InMemoryTimerInternals} per key, selected by {@link #setCurrentKey}. The input reaches
 * the operator HASH-partitioned by key, so each key lives in exactly one subtask.
 *
 * <p>State per key. Lifetime: the operator's (a batch job ends with its input; no state
 * garbage collection). Everything is on the heap: state larger than memory needs the engine's
 * state backends, which the streaming issue brings.
 *
 * <p>Mailbox thread only.
 */
final class BatchKeyedStepContext implements StepContext {

  /** Fires one timer of one key; the key is already current. */
  @FunctionalInterface
  interface TimerCallback {
    void onTimer(Object key, TimerData timer, BoundedWindow window) throws Exception;
  }

  private static final class KeyState {
    final Object key;
    final InMemoryStateInternals<Object> state;
    final InMemoryTimerInternals timers = new InMemoryTimerInternals();

    KeyState(Object key) {
      this.key = key;
      this.state = InMemoryStateInternals.forKey(key);
    }
  }

  private final Coder<Object> keyCoder;
  /** Insertion order: timers fire key by key in the order keys first arrived. */
  private final Map<EncodedKey, KeyState> keys = new LinkedHashMap<>();
  private KeyState current;

  BatchKeyedStepContext(Coder<Object> keyCoder) {
    this.keyCoder = keyCoder;
  }

  void setCurrentKey(Object key) throws Exception {
    EncodedKey encoded = new EncodedKey(CoderUtils.encodeToByteArray(keyCoder, key));
    KeyState state = keys.get(encoded);
    if (state == null) {
      state = new KeyState(key);
      // Relative processing-time timers count from now; they fire at the end of input.
      state.timers.advanceProcessingTime(Instant.now());
      keys.put(encoded, state);
    }
    current = state;
  }

  @Override
  public StateInternals stateInternals() {
    return checkCurrent().state;
  }

  @Override
  public TimerInternals timerInternals() {
    return checkCurrent().timers;
  }

  int numberOfKeys() {
    return keys.size();
  }

  /**
   * Advances every key's input watermark to {@code watermark} and fires the event-time timers
   * that became due, in timestamp order per key (including timers set while firing). At the end
   * of input ({@link Watermarks#MAX}) processing-time timers fire as well: no more processing
   * time will pass for a finished batch job.
   */
  void fireTimers(long watermark, TimerCallback callback) throws Exception {
    boolean end = watermark == Watermarks.MAX;
    Instant time = end ? BoundedWindow.TIMESTAMP_MAX_VALUE : new Instant(watermark);
    for (KeyState key : keys.values()) {
      current = key;
      InMemoryTimerInternals timers = key.timers;
      if (time.isAfter(timers.currentInputWatermarkTime())) {
        timers.advanceInputWatermark(time);
      }
      if (end) {
        timers.advanceProcessingTime(BoundedWindow.TIMESTAMP_MAX_VALUE);
        timers.advanceSynchronizedProcessingTime(BoundedWindow.TIMESTAMP_MAX_VALUE);
      }
      boolean fired = true;
      while (fired) {
        fired = false;
        TimerData timer;
        while ((timer = nextTimer(timers)) != null) {
          callback.onTimer(key.key, timer, windowOf(timer.getNamespace()));
          fired = true;
        }
      }
    }
  }

  private static TimerData nextTimer(InMemoryTimerInternals timers) {
    TimerData t = timers.removeNextEventTimer();
    if (t == null) {
      t = timers.removeNextProcessingTimer();
    }
    if (t == null) {
      t = timers.removeNextSynchronizedProcessingTimer();
    }
    return t;
  }

  private static BoundedWindow windowOf(StateNamespace namespace) {
    if (namespace instanceof StateNamespaces.WindowNamespace<?> w) {
      return w.getWindow();
    }
    if (namespace instanceof StateNamespaces.WindowAndTriggerNamespace<?> w) {
      return w.getWindow();
    }
    return GlobalWindow.INSTANCE;
  }

  private KeyState checkCurrent() {
    if (current == null) {
      throw new IllegalStateException("No current key: state and timers are only available while processing a keyed element or timer");
    }
    return current;
  }
}
