package dev.sluice.engine.state.heap;

import dev.sluice.engine.api.KeyGroupRange;
import dev.sluice.engine.serde.TypeSerializer;
import dev.sluice.engine.state.StateKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The objects of one registered state: per key group, namespace -> key -> entry. Namespace
 * first, because operators ask "which keys have state in this namespace" and clear whole
 * namespaces of a key (windows), and because a key group typically holds few namespaces per
 * state. Empty inner maps are removed, so an empty table holds no garbage.
 *
 * <p>Snapshot payload of one key group (a VALUE, LIST or MAP entry of
 * {@link dev.sluice.engine.state.KeyGroupStateFormat}):
 * {@code namespaceCount:int (namespace keyCount:int (key entry)*)*}, each part written by its
 * serializer.
 *
 * <p>Mailbox thread only.
 */
final class StateTable<K, N, S> {

  private final String name;
  private final StateKind kind;
  private final TypeSerializer<K> keySerializer;
  private final TypeSerializer<N> namespaceSerializer;
  private final EntrySerializer<S> entrySerializer;
  private final int firstKeyGroup;
  /** Per key group (index {@code keyGroup - firstKeyGroup}); null until first written. */
  private final List<HashMap<N, HashMap<K, S>>> keyGroups;
  /**
   * The map of the last (key group, namespace) looked up, while it is in the table (null once
   * removed); see {@link #byKey}.
   */
  private HashMap<K, S> lastByKey;
  private N lastNamespace;
  private int lastKeyGroup = -1;

  StateTable(
      String name,
      StateKind kind,
      TypeSerializer<K> keySerializer,
      TypeSerializer<N> namespaceSerializer,
      EntrySerializer<S> entrySerializer,
      KeyGroupRange keyGroupRange) {
    this.name = name;
    this.kind = kind;
    this.keySerializer = keySerializer;
    this.namespaceSerializer = namespaceSerializer;
    this.entrySerializer = entrySerializer;
    this.firstKeyGroup = keyGroupRange.start();
    this.keyGroups = new ArrayList<>(keyGroupRange.size());
    for (int i = 0; i < keyGroupRange.size(); i++) {
      keyGroups.add(null); // allocated on first write: max parallelism may be 32768
    }
  }

  String name() {
    return name;
  }

  StateKind kind() {
    return kind;
  }

  S get(int keyGroup, K key, N namespace) {
    HashMap<K, S> byKey = byKey(keyGroup, namespace);
    return byKey == null ? null : byKey.get(key);
  }

  void put(int keyGroup, K key, N namespace, S entry) {
    HashMap<K, S> byKey = byKey(keyGroup, namespace);
    if (byKey == null) {
      byKey = new HashMap<>();
      writableKeyGroup(keyGroup).put(namespace, byKey);
      remember(keyGroup, namespace, byKey);
    }
    byKey.put(key, entry);
  }

  void remove(int keyGroup, K key, N namespace) {
    HashMap<K, S> byKey = byKey(keyGroup, namespace);
    if (byKey != null && byKey.remove(key) != null && byKey.isEmpty()) {
      keyGroups.get(keyGroup - firstKeyGroup).remove(namespace);
      if (byKey == lastByKey) {
        lastByKey = null;
      }
    }
  }

  /**
   * The keys and entries of {@code namespace} in {@code keyGroup}, or null. The last map found
   * is remembered: an element's accesses to one state mostly stay in one key group and window,
   * so this usually skips the namespace lookup (namespaces compared by identity: callers reuse
   * their namespace objects).
   */
  private HashMap<K, S> byKey(int keyGroup, N namespace) {
    if (namespace == lastNamespace && keyGroup == lastKeyGroup && lastByKey != null) {
      return lastByKey;
    }
    HashMap<N, HashMap<K, S>> byNamespace = keyGroups.get(keyGroup - firstKeyGroup);
    if (byNamespace == null) {
      return null;
    }
    HashMap<K, S> byKey = byNamespace.get(namespace);
    if (byKey != null) {
      remember(keyGroup, namespace, byKey);
    }
    return byKey;
  }

  private void remember(int keyGroup, N namespace, HashMap<K, S> byKey) {
    lastKeyGroup = keyGroup;
    lastNamespace = namespace;
    lastByKey = byKey;
  }

  private HashMap<N, HashMap<K, S>> writableKeyGroup(int keyGroup) {
    int slot = keyGroup - firstKeyGroup;
    HashMap<N, HashMap<K, S>> byNamespace = keyGroups.get(slot);
    if (byNamespace == null) {
      byNamespace = new HashMap<>(4);
      keyGroups.set(slot, byNamespace);
    }
    return byNamespace;
  }

  /** Keys with an entry under {@code namespace}, over all key groups; a copy. */
  List<K> keys(N namespace) {
    List<K> keys = new ArrayList<>();
    for (HashMap<N, HashMap<K, S>> byNamespace : keyGroups) {
      HashMap<K, S> byKey = byNamespace == null ? null : byNamespace.get(namespace);
      if (byKey != null) {
        keys.addAll(byKey.keySet());
      }
    }
    return keys;
  }

  /** The key group's payload, or null if the key group holds nothing of this state. */
  byte[] snapshotKeyGroup(int keyGroup) throws IOException {
    HashMap<N, HashMap<K, S>> byNamespace = keyGroups.get(keyGroup - firstKeyGroup);
    if (byNamespace == null || byNamespace.isEmpty()) {
      return null;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(byNamespace.size());
    for (Map.Entry<N, HashMap<K, S>> namespaceEntry : byNamespace.entrySet()) {
      namespaceSerializer.serialize(namespaceEntry.getKey(), out);
      out.writeInt(namespaceEntry.getValue().size());
      for (Map.Entry<K, S> keyEntry : namespaceEntry.getValue().entrySet()) {
        keySerializer.serialize(keyEntry.getKey(), out);
        entrySerializer.write(keyEntry.getValue(), out);
      }
    }
    out.flush();
    return bytes.toByteArray();
  }

  /** Adds the entries of a payload written by {@link #snapshotKeyGroup}. */
  void restoreKeyGroup(int keyGroup, byte[] payload) throws IOException {
    HashMap<N, HashMap<K, S>> byNamespace = writableKeyGroup(keyGroup);
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
    int namespaces = in.readInt();
    for (int i = 0; i < namespaces; i++) {
      N namespace = namespaceSerializer.deserialize(in);
      int keys = in.readInt();
      HashMap<K, S> byKey = byNamespace.computeIfAbsent(namespace, n -> new HashMap<>());
      for (int j = 0; j < keys; j++) {
        K key = keySerializer.deserialize(in);
        byKey.put(key, entrySerializer.read(in));
      }
    }
    if (in.available() > 0) {
      throw new IOException(
          in.available() + " unread bytes after " + kind + " state '" + name + "' of key group "
              + keyGroup + ": a serializer reads differently than it wrote");
    }
  }
}
