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
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.state.State;
import org.apache.beam.sdk.state.StateContext;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.joda.time.Instant;

/**
 * State and timers of a stateful DoFn in batch: one {@link InMemoryStateInternals} and one
 * {@link InMemoryTimerInternals} per key, selected by {@link #setCurrentKey}. The input reaches
 * the operator HASH-partitioned by key, so each key lives in exactly one subtask.
 * {@link #stateInternals()} and {@link #timerInternals()} return fixed views that act on the
 * current key, so runners-core helpers built once (cleanup timer, state cleaner) follow it.
 *
 * <p>State per key. Lifetime: the operator's (a batch job ends with its input; no state
 * garbage collection). Everything is on the heap: state larger than memory needs the engine's
 * state backends, which the streaming issue brings.
 *
 * <p>Mailbox thread only.
 */
final class BatchKeyedStepContext implements KeyedStepContext {

  private final DoFn.BundleFinalizer finalizer;

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
  /** The input watermark all keys have seen; a new key starts there. */
  private Instant inputWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;
  private final StateInternals currentState = new CurrentKeyState();
  private final TimerInternals currentTimers = new CurrentKeyTimers();

  BatchKeyedStepContext(Coder<Object> keyCoder) {
    this(keyCoder, null);
  }

  /** @param finalizer the DoFn's bundle finalizer; null: none (then Beam's default throws) */
  BatchKeyedStepContext(Coder<Object> keyCoder, DoFn.BundleFinalizer finalizer) {
    this.keyCoder = keyCoder;
    this.finalizer = finalizer;
  }

  @Override
  public DoFn.BundleFinalizer bundleFinalizer() {
    return finalizer == null ? KeyedStepContext.super.bundleFinalizer() : finalizer;
  }

  @Override
  public void setCurrentKey(Object key) throws Exception {
    EncodedKey encoded = new EncodedKey(CoderUtils.encodeToByteArray(keyCoder, key));
    KeyState state = keys.get(encoded);
    if (state == null) {
      state = new KeyState(key);
      // Relative processing-time timers count from now; they fire at the end of input.
      state.timers.advanceProcessingTime(Instant.now());
      if (inputWatermark.isAfter(BoundedWindow.TIMESTAMP_MIN_VALUE)) {
        state.timers.advanceInputWatermark(inputWatermark);
      }
      keys.put(encoded, state);
    }
    current = state;
  }

  /** The current key's state (a view that follows {@link #setCurrentKey}). */
  @Override
  public StateInternals stateInternals() {
    return currentState;
  }

  /** The current key's timers (a view that follows {@link #setCurrentKey}). */
  @Override
  public TimerInternals timerInternals() {
    return currentTimers;
  }

  int numberOfKeys() {
    return keys.size();
  }

  /**
   * Advances every key's input watermark to {@code watermark} and fires the event-time timers
   * that became due, in timestamp order per key (including timers set while firing). At the end
   * of input ({@link Watermarks#MAX}) all processing-time timers fire first, then the watermark
   * moves to the end: no more processing time will pass for a finished batch job, and the
   * window's garbage-collection timer (with {@code @OnWindowExpiration}) must come last.
   */
  @Override
  public void fireTimers(long watermark, TimerCallback callback) throws Exception {
    boolean end = watermark == Watermarks.MAX;
    Instant time = end ? BoundedWindow.TIMESTAMP_MAX_VALUE : new Instant(watermark);
    if (time.isAfter(inputWatermark)) {
      inputWatermark = time;
    }
    for (KeyState key : keys.values()) {
      current = key;
      InMemoryTimerInternals timers = key.timers;
      if (end) {
        // Before the watermark moves: once it passes the window's end, the stateful runner
        // expires the window and drops its processing-time timers.
        timers.advanceProcessingTime(BoundedWindow.TIMESTAMP_MAX_VALUE);
        timers.advanceSynchronizedProcessingTime(BoundedWindow.TIMESTAMP_MAX_VALUE);
        fireDue(key, callback);
      }
      if (time.isAfter(timers.currentInputWatermarkTime())) {
        timers.advanceInputWatermark(time);
      }
      fireDue(key, callback);
    }
  }

  /** Fires what is due for one key, processing-time timers first, until nothing is left. */
  private static void fireDue(KeyState key, TimerCallback callback) throws Exception {
    TimerData timer;
    while ((timer = nextTimer(key.timers)) != null) {
      callback.onTimer(key.key, timer, windowOf(timer.getNamespace()));
    }
  }

  private static TimerData nextTimer(InMemoryTimerInternals timers) {
    TimerData t = timers.removeNextProcessingTimer();
    if (t == null) {
      t = timers.removeNextSynchronizedProcessingTimer();
    }
    if (t == null) {
      t = timers.removeNextEventTimer();
    }
    return t;
  }

  /** The window of a timer's namespace (the global window for the global namespace). */
  static BoundedWindow windowOf(StateNamespace namespace) {
    if (namespace instanceof StateNamespaces.WindowNamespace<?> w) {
      return w.getWindow();
    }
    if (namespace instanceof StateNamespaces.WindowAndTriggerNamespace<?> w) {
      return w.getWindow();
    }
    return GlobalWindow.INSTANCE;
  }

  private final class CurrentKeyState implements StateInternals {
    @Override
    public Object getKey() {
      return checkCurrent().key;
    }

    @Override
    public <T extends State> T state(StateNamespace namespace, StateTag<T> address, StateContext<?> c) {
      return checkCurrent().state.state(namespace, address, c);
    }
  }

  private final class CurrentKeyTimers implements TimerInternals {
    @Override
    public void setTimer(StateNamespace namespace, String timerId, String timerFamilyId, Instant target,
        Instant outputTimestamp, TimeDomain timeDomain) {
      checkCurrent().timers.setTimer(namespace, timerId, timerFamilyId, target, outputTimestamp, timeDomain);
    }

    @Override
    @SuppressWarnings("deprecation")
    public void setTimer(TimerData timerData) {
      checkCurrent().timers.setTimer(timerData);
    }

    @Override
    public void deleteTimer(StateNamespace namespace, String timerId, String timerFamilyId, TimeDomain timeDomain) {
      checkCurrent().timers.deleteTimer(namespace, timerId, timerFamilyId, timeDomain);
    }

    @Override
    @SuppressWarnings("deprecation")
    public void deleteTimer(StateNamespace namespace, String timerId, String timerFamilyId) {
      checkCurrent().timers.deleteTimer(namespace, timerId, timerFamilyId);
    }

    @Override
    @SuppressWarnings("deprecation")
    public void deleteTimer(TimerData timerKey) {
      checkCurrent().timers.deleteTimer(timerKey);
    }

    @Override
    public Instant currentProcessingTime() {
      return checkCurrent().timers.currentProcessingTime();
    }

    @Override
    public Instant currentSynchronizedProcessingTime() {
      return checkCurrent().timers.currentSynchronizedProcessingTime();
    }

    @Override
    public Instant currentInputWatermarkTime() {
      return checkCurrent().timers.currentInputWatermarkTime();
    }

    @Override
    public Instant currentOutputWatermarkTime() {
      return checkCurrent().timers.currentOutputWatermarkTime();
    }
  }

  private KeyState checkCurrent() {
    if (current == null) {
      throw new IllegalStateException("No current key: state and timers are only available while processing a keyed element or timer");
    }
    return current;
  }
}
