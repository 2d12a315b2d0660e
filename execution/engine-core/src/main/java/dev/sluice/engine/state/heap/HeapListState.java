package dev.sluice.engine.state.heap;

import dev.sluice.engine.state.ListState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A {@link ListState} view of a {@link StateTable} of {@code ArrayList}s for one namespace.
 * {@link #get()} copies, so that a reader never sees later additions (the RocksDB backend reads
 * a snapshot of the bytes, and both must behave alike). Mailbox thread only.
 */
final class HeapListState<K, N, V> implements ListState<V> {

  private final HeapKeyedStateBackend<K> backend;
  private final StateTable<K, N, ArrayList<V>> table;
  private final N namespace;

  HeapListState(
      HeapKeyedStateBackend<K> backend, StateTable<K, N, ArrayList<V>> table, N namespace) {
    this.backend = backend;
    this.table = table;
    this.namespace = namespace;
  }

  @Override
  public Iterable<V> get() {
    ArrayList<V> list = current();
    return list == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(list));
  }

  @Override
  public void add(V value) {
    Objects.requireNonNull(value, "ListState does not store null elements");
    ArrayList<V> list = current();
    if (list == null) {
      list = new ArrayList<>();
      table.put(backend.requireCurrentKeyGroup(), backend.getCurrentKey(), namespace, list);
    }
    list.add(value);
  }

  @Override
  public void addAll(List<V> values) {
    if (values.isEmpty()) {
      return;
    }
    checkNoNulls(values);
    ArrayList<V> list = current();
    if (list == null) {
      table.put(
          backend.requireCurrentKeyGroup(), backend.getCurrentKey(), namespace,
          new ArrayList<>(values));
    } else {
      list.addAll(values);
    }
  }

  @Override
  public void update(List<V> values) {
    if (values.isEmpty()) {
      clear();
      return;
    }
    checkNoNulls(values);
    table.put(
        backend.requireCurrentKeyGroup(), backend.getCurrentKey(), namespace,
        new ArrayList<>(values));
  }

  @Override
  public boolean isEmpty() {
    return current() == null;
  }

  @Override
  public void clear() {
    table.remove(backend.requireCurrentKeyGroup(), backend.getCurrentKey(), namespace);
  }

  private ArrayList<V> current() {
    return table.get(backend.requireCurrentKeyGroup(), backend.getCurrentKey(), namespace);
  }

  private static void checkNoNulls(List<?> values) {
    for (Object value : values) {
      Objects.requireNonNull(value, "ListState does not store null elements");
    }
  }
}
