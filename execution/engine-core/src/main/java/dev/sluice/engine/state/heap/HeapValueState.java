package dev.sluice.engine.state.heap;

import dev.sluice.engine.state.ValueState;

/** A {@link ValueState} view of a {@link StateTable} for one namespace. Mailbox thread only. */
final class HeapValueState<K, N, V> implements ValueState<V> {

  private final HeapKeyedStateBackend<K> backend;
  private final StateTable<K, N, V> table;
  private final N namespace;

  HeapValueState(HeapKeyedStateBackend<K> backend, StateTable<K, N, V> table, N namespace) {
    this.backend = backend;
    this.table = table;
    this.namespace = namespace;
  }

  @Override
  public V value() {
    return table.get(backend.requireCurrentKeyGroup(), backend.getCurrentKey(), namespace);
  }

  @Override
  public void update(V value) {
    if (value == null) {
      clear();
    } else {
      table.put(backend.requireCurrentKeyGroup(), backend.getCurrentKey(), namespace, value);
    }
  }

  @Override
  public void clear() {
    table.remove(backend.requireCurrentKeyGroup(), backend.getCurrentKey(), namespace);
  }
}
