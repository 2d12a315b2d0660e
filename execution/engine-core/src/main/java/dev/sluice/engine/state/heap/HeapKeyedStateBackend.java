package dev.sluice.engine.state.heap;

import dev.sluice.engine.api.KeyGroupRange;
import dev.sluice.engine.serde.TypeSerializer;
import dev.sluice.engine.state.InternalTimerService;
import dev.sluice.engine.state.KeyGroupStateFormat;
import dev.sluice.engine.state.KeyGroupsStateHandle;
import dev.sluice.engine.state.KeyedStateBackend;
import dev.sluice.engine.state.ListState;
import dev.sluice.engine.state.ListStateDescriptor;
import dev.sluice.engine.state.MapState;
import dev.sluice.engine.state.MapStateDescriptor;
import dev.sluice.engine.state.SnapshotRunner;
import dev.sluice.engine.state.StateDescriptor;
import dev.sluice.engine.state.StateKind;
import dev.sluice.engine.state.Triggerable;
import dev.sluice.engine.state.ValueState;
import dev.sluice.engine.state.ValueStateDescriptor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed state and timers as Java objects on the heap, partitioned by key group. Build it with
 * {@link HeapKeyedStateBackendBuilder}.
 *
 * <p>State objects are kept by reference: a value passed to {@code update}/{@code add}/{@code
 * put} must not be mutated afterwards, and a value read must not be mutated in place.
 *
 * <p>Snapshots are synchronous for now: {@link #snapshot} serializes every key group on the
 * mailbox thread, and the returned runner only hands out the result. Copy-on-write tables that
 * let the serialization run asynchronously can replace this without changing the interface.
 *
 * <h3>Threading model</h3>
 * Mailbox thread only; not thread-safe.
 *
 * <h3>Lifecycle</h3>
 * Built (possibly restored) -> used -> {@link #close()}, after which every method fails.
 */
public final class HeapKeyedStateBackend<K> implements KeyedStateBackend<K> {

  private static final Logger LOG = LoggerFactory.getLogger(HeapKeyedStateBackend.class);

  private final String name;
  private final TypeSerializer<K> keySerializer;
  private final int maxParallelism;
  private final KeyGroupRange keyGroupRange;
  /** Registered value/list/map states by name, in registration order. */
  private final Map<String, StateTable<K, ?, ?>> tables = new LinkedHashMap<>();
  /** Timer services by name, in registration order. */
  private final Map<String, HeapTimerService<K, ?>> timerServices = new LinkedHashMap<>();
  private final RestoredEntries restored;
  private K currentKey;
  private int currentKeyGroup = -1;
  private boolean closed;

  HeapKeyedStateBackend(
      String name,
      TypeSerializer<K> keySerializer,
      int maxParallelism,
      KeyGroupRange keyGroupRange,
      RestoredEntries restored) {
    this.name = name;
    this.keySerializer = keySerializer;
    this.maxParallelism = maxParallelism;
    this.keyGroupRange = keyGroupRange;
    this.restored = restored;
  }

  /** The name used in errors and logs, e.g. the task name. */
  String name() {
    return name;
  }

  @Override
  public TypeSerializer<K> keySerializer() {
    return keySerializer;
  }

  @Override
  public int maxParallelism() {
    return maxParallelism;
  }

  @Override
  public KeyGroupRange keyGroupRange() {
    return keyGroupRange;
  }

  @Override
  public void setCurrentKey(K key) {
    checkOpen();
    if (key == null) {
      throw new IllegalArgumentException("The current key of " + name + " must not be null");
    }
    int keyGroup = KeyGroupRange.assignToKeyGroup(key.hashCode(), maxParallelism);
    if (!keyGroupRange.contains(keyGroup)) {
      throw new IllegalArgumentException(
          String.format(
              "Key %s belongs to key group %d, outside the key groups %d..%d (of %d) owned by %s."
                  + " The record was routed to the wrong subtask, or the key's hashCode is not"
                  + " deterministic across JVMs.",
              key, keyGroup, keyGroupRange.start(), keyGroupRange.end(), maxParallelism, name));
    }
    currentKey = key;
    currentKeyGroup = keyGroup;
  }

  /** Sets a key whose key group is already known (a timer's). */
  void setCurrentKey(K key, int keyGroup) {
    currentKey = key;
    currentKeyGroup = keyGroup;
  }

  @Override
  public K getCurrentKey() {
    return currentKey;
  }

  @Override
  public int getCurrentKeyGroup() {
    return currentKeyGroup;
  }

  /** The current key group; fails if no key was set. */
  int requireCurrentKeyGroup() {
    if (currentKeyGroup < 0) {
      checkOpen();
      throw new IllegalStateException(
          "No current key is set in " + name + ": keyed state and timers can only be used"
              + " while processing a keyed record or timer (call setCurrentKey first)");
    }
    return currentKeyGroup;
  }

  K requireCurrentKey() {
    requireCurrentKeyGroup();
    return currentKey;
  }

  @Override
  public <N, V> ValueState<V> getState(
      ValueStateDescriptor<V> descriptor, TypeSerializer<N> namespaceSerializer, N namespace) {
    StateTable<K, N, V> table =
        table(descriptor, namespaceSerializer, EntrySerializer.value(descriptor.valueSerializer()));
    return new HeapValueState<>(this, table, namespace);
  }

  @Override
  public <N, V> ListState<V> getState(
      ListStateDescriptor<V> descriptor, TypeSerializer<N> namespaceSerializer, N namespace) {
    StateTable<K, N, ArrayList<V>> table =
        table(descriptor, namespaceSerializer, EntrySerializer.list(descriptor.elementSerializer()));
    return new HeapListState<>(this, table, namespace);
  }

  @Override
  public <N, UK, UV> MapState<UK, UV> getState(
      MapStateDescriptor<UK, UV> descriptor, TypeSerializer<N> namespaceSerializer, N namespace) {
    StateTable<K, N, HashMap<UK, UV>> table =
        table(
            descriptor,
            namespaceSerializer,
            EntrySerializer.map(descriptor.keySerializer(), descriptor.valueSerializer()));
    return new HeapMapState<>(this, table, namespace);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <N> List<K> keys(String stateName, N namespace) {
    checkOpen();
    StateTable<K, N, ?> table = (StateTable<K, N, ?>) tables.get(stateName);
    return table == null ? List.of() : table.keys(namespace);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <N> InternalTimerService<N> timerService(
      String serviceName, TypeSerializer<N> namespaceSerializer, Triggerable<K, N> triggerable) {
    checkOpen();
    Objects.requireNonNull(triggerable, "triggerable");
    HeapTimerService<K, N> existing = (HeapTimerService<K, N>) timerServices.get(serviceName);
    if (existing != null) {
      if (existing.triggerable() != triggerable) {
        throw new IllegalStateException(
            "Timer service '" + serviceName + "' of " + name
                + " is already registered with another triggerable");
      }
      return existing;
    }
    HeapTimerService<K, N> service =
        new HeapTimerService<>(serviceName, this, namespaceSerializer, triggerable);
    for (StateKind kind : List.of(StateKind.EVENT_TIME_TIMERS, StateKind.PROCESSING_TIME_TIMERS)) {
      byte[][] payloads = restored.take(kind, serviceName);
      if (payloads != null) {
        for (int i = 0; i < payloads.length; i++) {
          if (payloads[i] != null) {
            service.restoreKeyGroup(kind, keyGroupRange.start() + i, payloads[i]);
          }
        }
      }
    }
    timerServices.put(serviceName, service);
    return service;
  }

  @Override
  public SnapshotRunner snapshot(long checkpointId) throws IOException {
    checkOpen();
    List<byte[][]> timerPayloads = new ArrayList<>();
    List<StateKind> timerKinds = new ArrayList<>();
    List<String> timerNames = new ArrayList<>();
    for (HeapTimerService<K, ?> service : timerServices.values()) {
      for (StateKind kind :
          List.of(StateKind.EVENT_TIME_TIMERS, StateKind.PROCESSING_TIME_TIMERS)) {
        timerPayloads.add(service.snapshot(kind, keyGroupRange));
        timerKinds.add(kind);
        timerNames.add(service.name());
      }
    }
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    int[] offsets = new int[keyGroupRange.size() + 1];
    List<KeyGroupStateFormat.Entry> entries = new ArrayList<>();
    for (int slot = 0; slot < keyGroupRange.size(); slot++) {
      int keyGroup = keyGroupRange.start() + slot;
      entries.clear();
      for (StateTable<K, ?, ?> table : tables.values()) {
        byte[] payload = table.snapshotKeyGroup(keyGroup);
        if (payload != null) {
          entries.add(new KeyGroupStateFormat.Entry(table.kind(), table.name(), payload));
        }
      }
      for (int i = 0; i < timerPayloads.size(); i++) {
        byte[] payload = timerPayloads.get(i)[slot];
        if (payload != null) {
          entries.add(new KeyGroupStateFormat.Entry(timerKinds.get(i), timerNames.get(i), payload));
        }
      }
      restored.addToSnapshot(keyGroup, entries);
      if (!entries.isEmpty()) {
        KeyGroupStateFormat.write(entries, data);
      }
      offsets[slot + 1] = data.size();
    }
    KeyGroupsStateHandle handle =
        new KeyGroupsStateHandle(checkpointId, keyGroupRange, offsets, data.toByteArray());
    LOG.debug("Snapshot of keyed state of {} for checkpoint {}: {} bytes", name, checkpointId,
        handle.stateSize());
    return () -> handle;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    tables.clear();
    timerServices.clear();
    restored.clear();
    currentKey = null;
    currentKeyGroup = -1;
  }

  @SuppressWarnings("unchecked")
  private <N, S> StateTable<K, N, S> table(
      StateDescriptor descriptor,
      TypeSerializer<N> namespaceSerializer,
      EntrySerializer<S> entrySerializer) {
    checkOpen();
    StateTable<K, ?, ?> existing = tables.get(descriptor.name());
    if (existing != null) {
      if (existing.kind() != descriptor.kind()) {
        throw new IllegalStateException(
            String.format(
                "State '%s' of %s is registered as %s state and cannot be used as %s state",
                descriptor.name(), name, existing.kind(), descriptor.kind()));
      }
      return (StateTable<K, N, S>) existing;
    }
    StateKind restoredKind = restored.keyedStateKind(descriptor.name());
    if (restoredKind != null && restoredKind != descriptor.kind()) {
      throw new IllegalStateException(
          String.format(
              "State '%s' of %s was restored as %s state but is now requested as %s state: the"
                  + " operator changed its state in a way the snapshot cannot be read",
              descriptor.name(), name, restoredKind, descriptor.kind()));
    }
    StateTable<K, N, S> table =
        new StateTable<>(
            descriptor.name(),
            descriptor.kind(),
            keySerializer,
            namespaceSerializer,
            entrySerializer,
            keyGroupRange);
    byte[][] payloads = restored.take(descriptor.kind(), descriptor.name());
    if (payloads != null) {
      for (int i = 0; i < payloads.length; i++) {
        if (payloads[i] != null) {
          int keyGroup = keyGroupRange.start() + i;
          try {
            table.restoreKeyGroup(keyGroup, payloads[i]);
          } catch (IOException e) {
            throw new UncheckedIOException(
                "Could not restore " + descriptor + " in key group " + keyGroup + " of " + name
                    + " from its snapshot",
                e);
          }
        }
      }
    }
    tables.put(descriptor.name(), table);
    return table;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("The keyed state backend of " + name + " is closed");
    }
  }
}
