package dev.sluice.engine.state.heap;

import dev.sluice.engine.api.KeyGroupRange;
import dev.sluice.engine.state.KeyGroupStateFormat;
import dev.sluice.engine.state.StateKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Restored snapshot entries not yet claimed by a registration: per (kind, name), one raw
 * payload per key group. A state's serializers are only known once the operator registers it,
 * so until then its bytes wait here, and are written into snapshots unchanged, so that state an
 * operator does not touch between two checkpoints is not lost.
 *
 * <p>Mailbox thread only.
 */
final class RestoredEntries {

  private record Id(StateKind kind, String name) {}

  private final KeyGroupRange range;
  private final Map<Id, byte[][]> entries = new LinkedHashMap<>();

  RestoredEntries(KeyGroupRange range) {
    this.range = range;
  }

  void add(int keyGroup, KeyGroupStateFormat.Entry entry) {
    byte[][] payloads =
        entries.computeIfAbsent(new Id(entry.kind(), entry.name()), id -> new byte[range.size()][]);
    int slot = keyGroup - range.start();
    if (payloads[slot] != null) {
      throw new IllegalStateException(
          "Key group " + keyGroup + " holds " + entry.kind() + " '" + entry.name()
              + "' twice: the snapshot is corrupt");
    }
    payloads[slot] = entry.payload();
  }

  /** Removes and returns the payloads per key group (index {@code keyGroup - start}), or null. */
  byte[][] take(StateKind kind, String name) {
    return entries.remove(new Id(kind, name));
  }

  /** The kind of restored keyed (value/list/map) state named {@code name}, or null. */
  StateKind keyedStateKind(String name) {
    for (Id id : entries.keySet()) {
      if (id.kind().isKeyedState() && id.name().equals(name)) {
        return id.kind();
      }
    }
    return null;
  }

  /** Appends the unclaimed entries of {@code keyGroup} to a snapshot. */
  void addToSnapshot(int keyGroup, List<KeyGroupStateFormat.Entry> out) {
    int slot = keyGroup - range.start();
    for (Map.Entry<Id, byte[][]> e : entries.entrySet()) {
      byte[] payload = e.getValue()[slot];
      if (payload != null) {
        out.add(new KeyGroupStateFormat.Entry(e.getKey().kind(), e.getKey().name(), payload));
      }
    }
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  void clear() {
    entries.clear();
  }
}
