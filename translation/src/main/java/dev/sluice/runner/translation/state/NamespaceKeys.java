package dev.sluice.runner.translation.state;

import java.util.HashMap;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;

/**
 * {@link StateNamespace#stringKey()} for recently used namespaces. A window namespace's string
 * key encodes the window with its coder and then in base64 on every call; state and timers of
 * a windowed step ask for it on every access, several times per element. Equal namespaces
 * (equal windows) have equal string keys, since window coders are deterministic.
 *
 * <p>Namespaces of plain {@link IntervalWindow}s (fixed, sliding and session windows) get a key
 * of their own, {@code /i<start>,<end>/} (plus the trigger index for a trigger namespace), made
 * without the coder and base64: session windows are new for almost every element, so their
 * keys are rarely found here. A comma never occurs in Beam's base64 keys, so the two kinds of
 * key cannot collide. Keys name state and timers inside one running operator only.
 *
 * <p>Bounded: when it holds {@link #MAX_ENTRIES} namespaces it starts over. Mailbox thread only.
 */
final class NamespaceKeys {

  static final int MAX_ENTRIES = 16_384;

  private final HashMap<StateNamespace, String> keys = new HashMap<>();

  String of(StateNamespace namespace) {
    String key = keys.get(namespace);
    if (key == null) {
      if (keys.size() >= MAX_ENTRIES) {
        keys.clear();
      }
      key = keyOf(namespace);
      keys.put(namespace, key);
    }
    return key;
  }

  /** The key of a namespace not cached; see the class comment. */
  static String keyOf(StateNamespace namespace) {
    if (namespace instanceof StateNamespaces.WindowNamespace<?> w
        && w.getWindow().getClass() == IntervalWindow.class) {
      return intervalKey((IntervalWindow) w.getWindow()).append('/').toString();
    }
    if (namespace instanceof StateNamespaces.WindowAndTriggerNamespace<?> wt
        && wt.getWindow().getClass() == IntervalWindow.class) {
      return intervalKey((IntervalWindow) wt.getWindow()).append('/').append(wt.getTriggerIndex()).toString();
    }
    return namespace.stringKey();
  }

  private static StringBuilder intervalKey(IntervalWindow window) {
    return new StringBuilder(40).append("/i").append(window.start().getMillis()).append(',')
        .append(window.end().getMillis());
  }
}
