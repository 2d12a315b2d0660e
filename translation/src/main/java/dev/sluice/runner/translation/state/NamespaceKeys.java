package dev.sluice.runner.translation.state;

import java.util.HashMap;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;

/**
 * {@link StateNamespace#stringKey()} for recently used namespaces. A window namespace's string
 * key encodes the window with its coder and then in base64 on every call; state and timers of
 * a windowed step ask for it on every access, several times per element. Equal namespaces
 * (equal windows) have equal string keys, since window coders are deterministic.
 *
 * <p>Namespaces of plain {@link IntervalWindow}s (fixed, sliding and session windows) get a key
 * of their own, {@code /i<start>,<end>/} (plus the trigger index for a trigger namespace), made
 * without the coder and base64, cached in a small direct-mapped table of their own: session
 * windows are new for almost every element, and hashing a window namespace object allocates.
 * A comma never occurs in Beam's base64 keys, so the two kinds of key cannot collide. Keys name
 * state and timers inside one running operator only.
 *
 * <p>Bounded: when the map of other namespaces holds {@link #MAX_ENTRIES} it starts over; the
 * interval table has {@link #INTERVAL_SLOTS} slots. Mailbox thread only.
 */
final class NamespaceKeys {

  static final int MAX_ENTRIES = 16_384;

  /** Slots of the interval-window cache (a power of 2). */
  static final int INTERVAL_SLOTS = 4096;

  private final HashMap<StateNamespace, String> keys = new HashMap<>();
  /**
   * Keys of recent IntervalWindow namespaces, direct-mapped by (start, end, trigger index): a hit
   * returns the same String (its hash already computed) without hashing the namespace object,
   * a miss makes the key and takes the slot. Trigger index -1 stands for a window namespace.
   */
  private final long[] intervalStarts = new long[INTERVAL_SLOTS];
  private final long[] intervalEnds = new long[INTERVAL_SLOTS];
  private final int[] intervalTriggers = new int[INTERVAL_SLOTS];
  private final String[] intervalKeys = new String[INTERVAL_SLOTS];
  /**
   * The global window's keys, as a window namespace and per trigger index: hashing a global
   * window namespace to look it up in {@link #keys} costs more than the state access it names
   * (Objects.hash over the window's structural value), and a step in the global window (e.g. a
   * Combine.perKey with a processing-time trigger) asks for them several times per element.
   * All global window namespaces of one operator are equal (one window coder), so the first
   * key made stands for all.
   */
  private String globalWindowKey;
  private final String[] globalTriggerKeys = new String[64];

  String of(StateNamespace namespace) {
    if (namespace instanceof StateNamespaces.WindowNamespace<?> w
        && w.getWindow().getClass() == IntervalWindow.class) {
      return intervalKeyOf((IntervalWindow) w.getWindow(), -1);
    }
    if (namespace instanceof StateNamespaces.WindowAndTriggerNamespace<?> wt
        && wt.getWindow().getClass() == IntervalWindow.class) {
      return intervalKeyOf((IntervalWindow) wt.getWindow(), wt.getTriggerIndex());
    }
    if (namespace instanceof StateNamespaces.WindowNamespace<?> w
        && w.getWindow() instanceof GlobalWindow) {
      if (globalWindowKey == null) {
        globalWindowKey = namespace.stringKey();
      }
      return globalWindowKey;
    }
    if (namespace instanceof StateNamespaces.WindowAndTriggerNamespace<?> wt
        && wt.getWindow() instanceof GlobalWindow
        && wt.getTriggerIndex() >= 0
        && wt.getTriggerIndex() < globalTriggerKeys.length) {
      String key = globalTriggerKeys[wt.getTriggerIndex()];
      if (key == null) {
        key = namespace.stringKey();
        globalTriggerKeys[wt.getTriggerIndex()] = key;
      }
      return key;
    }
    String key = keys.get(namespace);
    if (key == null) {
      if (keys.size() >= MAX_ENTRIES) {
        keys.clear();
      }
      key = namespace.stringKey();
      keys.put(namespace, key);
    }
    return key;
  }

  private String intervalKeyOf(IntervalWindow window, int triggerIndex) {
    long start = window.start().getMillis();
    long end = window.end().getMillis();
    long h = (start * 31 + end) * 31 + triggerIndex;
    h *= 0x9E3779B97F4A7C15L;
    int slot = (int) (h >>> 52) & (INTERVAL_SLOTS - 1);
    String key = intervalKeys[slot];
    if (key != null && intervalStarts[slot] == start && intervalEnds[slot] == end && intervalTriggers[slot] == triggerIndex) {
      return key;
    }
    StringBuilder b = intervalKey(window).append('/');
    key = triggerIndex < 0 ? b.toString() : b.append(triggerIndex).toString();
    intervalStarts[slot] = start;
    intervalEnds[slot] = end;
    intervalTriggers[slot] = triggerIndex;
    intervalKeys[slot] = key;
    return key;
  }

  private static StringBuilder intervalKey(IntervalWindow window) {
    return new StringBuilder(40).append("/i").append(window.start().getMillis()).append(',')
        .append(window.end().getMillis());
  }
}
