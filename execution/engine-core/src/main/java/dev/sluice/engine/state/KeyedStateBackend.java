package dev.sluice.engine.state;

import dev.sluice.engine.api.KeyGroupRange;
import dev.sluice.engine.serde.TypeSerializer;
import java.io.IOException;
import java.util.List;

/**
 * Keyed state and timers of one subtask, for the key groups it owns.
 *
 * <p>State is always read and written for the <em>current key</em>: the operator calls
 * {@link #setCurrentKey} before processing a record (timer services set it before each
 * callback). Within a key, state is addressed by descriptor name and namespace (e.g. a window);
 * namespaces of one state are isolated from each other.
 *
 * <p>Keys need a {@code hashCode} that is deterministic across JVMs and an {@code equals}
 * consistent with their serialized form (the engine keys on encoded bytes). The key group of a
 * key is {@code KeyGroupRange.assignToKeyGroup(key.hashCode(), maxParallelism)}.
 *
 * <h3>Threading model</h3>
 * Mailbox thread only, including {@link #snapshot}'s synchronous part; only
 * {@link SnapshotRunner#run()} may run elsewhere.
 *
 * <h3>Lifecycle</h3>
 * Built by a backend-specific builder, optionally from restore handles -> used by the operator
 * -> {@link #close()} (releases everything; the backend is unusable afterwards).
 *
 * @param <K> the key type
 */
public interface KeyedStateBackend<K> extends AutoCloseable {

  TypeSerializer<K> keySerializer();

  /** The number of key groups of the job. */
  int maxParallelism();

  /** The key groups this backend owns. */
  KeyGroupRange keyGroupRange();

  /**
   * Makes {@code key} the current key and selects its key group.
   *
   * @throws IllegalArgumentException if the key belongs to a key group outside
   *     {@link #keyGroupRange()} (the record was routed to the wrong subtask, or the key's hash
   *     code is not deterministic) or is null
   */
  void setCurrentKey(K key);

  /** The current key, or null if none was set yet. */
  K getCurrentKey();

  /** The key group of the current key, or -1 if none was set yet. */
  int getCurrentKeyGroup();

  /**
   * The value state named by {@code descriptor}, viewed through {@code namespace}. The first
   * call for a name registers the state (and restores it if the backend was restored); later
   * calls must use the same kind of descriptor and an equivalent namespace serializer.
   */
  <N, V> ValueState<V> getState(
      ValueStateDescriptor<V> descriptor, TypeSerializer<N> namespaceSerializer, N namespace);

  /** The list state named by {@code descriptor}, viewed through {@code namespace}. */
  <N, V> ListState<V> getState(
      ListStateDescriptor<V> descriptor, TypeSerializer<N> namespaceSerializer, N namespace);

  /** The map state named by {@code descriptor}, viewed through {@code namespace}. */
  <N, UK, UV> MapState<UK, UV> getState(
      MapStateDescriptor<UK, UV> descriptor, TypeSerializer<N> namespaceSerializer, N namespace);

  /**
   * The keys that have a value in the registered state {@code stateName} under
   * {@code namespace}, as a copy (state may be changed while iterating it). Empty if no such
   * state was registered.
   */
  <N> List<K> keys(String stateName, N namespace);

  /**
   * The timer service named {@code name}, created (and restored) on the first call. Later calls
   * with the same name return the same service and must pass the same triggerable.
   */
  <N> InternalTimerService<N> timerService(
      String name, TypeSerializer<N> namespaceSerializer, Triggerable<K, N> triggerable);

  /**
   * Snapshots all state and timers of this backend, including restored state the operator has
   * not registered again yet. Runs the synchronous part now; the returned runner produces the
   * handle.
   *
   * @param checkpointId strictly increasing per job
   */
  SnapshotRunner snapshot(long checkpointId) throws IOException;

  @Override
  void close();
}
