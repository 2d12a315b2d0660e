package dev.sluice.engine.state.heap;

import dev.sluice.engine.state.MapState;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link MapState} view of a {@link StateTable} of {@code HashMap}s for one namespace. An
 * emptied map is removed from the table. Iterables are copies. Mailbox thread only.
 */
final class HeapMapState<K, N, UK, UV> implements MapState<UK, UV> {

  private final HeapKeyedStateBackend<K> backend;
  private final StateTable<K, N, HashMap<UK, UV>> table;
  private final N namespace;

  HeapMapState(
      HeapKeyedStateBackend<K> backend, StateTable<K, N, HashMap<UK, UV>> table, N namespace) {
    this.backend = backend;
    this.table = table;
    this.namespace = namespace;
  }

  @Override
  public UV get(UK key) {
    HashMap<UK, UV> map = current();
    return map == null ? null : map.get(key);
  }

  @Override
  public void put(UK key, UV value) {
    Objects.requireNonNull(value, "MapState does not store null values");
    currentOrCreate().put(key, value);
  }

  @Override
  public void putAll(Map<UK, UV> entries) {
    if (entries.isEmpty()) {
      return;
    }
    for (UV value : entries.values()) {
      Objects.requireNonNull(value, "MapState does not store null values");
    }
    currentOrCreate().putAll(entries);
  }

  @Override
  public void remove(UK key) {
    HashMap<UK, UV> map = current();
    if (map != null && map.remove(key) != null && map.isEmpty()) {
      clear();
    }
  }

  @Override
  public boolean contains(UK key) {
    HashMap<UK, UV> map = current();
    return map != null && map.containsKey(key);
  }

  @Override
  public Iterable<Map.Entry<UK, UV>> entries() {
    HashMap<UK, UV> map = current();
    if (map == null) {
      return List.of();
    }
    List<Map.Entry<UK, UV>> copy = new ArrayList<>(map.size());
    for (Map.Entry<UK, UV> e : map.entrySet()) {
      copy.add(new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue()));
    }
    return copy;
  }

  @Override
  public Iterable<UK> keys() {
    HashMap<UK, UV> map = current();
    return map == null ? List.of() : new ArrayList<>(map.keySet());
  }

  @Override
  public Iterable<UV> values() {
    HashMap<UK, UV> map = current();
    return map == null ? List.of() : new ArrayList<>(map.values());
  }

  @Override
  public boolean isEmpty() {
    return current() == null;
  }

  @Override
  public void clear() {
    table.remove(backend.requireCurrentKeyGroup(), backend.getCurrentKey(), namespace);
  }

  private HashMap<UK, UV> current() {
    return table.get(backend.requireCurrentKeyGroup(), backend.getCurrentKey(), namespace);
  }

  private HashMap<UK, UV> currentOrCreate() {
    HashMap<UK, UV> map = current();
    if (map == null) {
      map = new HashMap<>();
      table.put(backend.requireCurrentKeyGroup(), backend.getCurrentKey(), namespace, map);
    }
    return map;
  }
}
