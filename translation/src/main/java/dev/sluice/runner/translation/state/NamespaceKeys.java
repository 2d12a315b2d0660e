package dev.sluice.runner.translation.state;

import java.util.HashMap;
import org.apache.beam.runners.core.StateNamespace;

/**
 * {@link StateNamespace#stringKey()} for recently used namespaces. A window namespace's string
 * key encodes the window with its coder and then in base64 on every call; state and timers of
 * a windowed step ask for it on every access, several times per element. Equal namespaces
 * (equal windows) have equal string keys, since window coders are deterministic.
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
      key = namespace.stringKey();
      keys.put(namespace, key);
    }
    return key;
  }
}
