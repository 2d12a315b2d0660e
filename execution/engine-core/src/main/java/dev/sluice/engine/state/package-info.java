/**
 * Keyed state and timers, independent of where they are stored. Keyed state is partitioned
 * into key groups ({@code KeyGroupRange.assignToKeyGroup(key.hashCode(), maxParallelism)}); a
 * {@link dev.sluice.engine.state.KeyedStateBackend} owns a contiguous
 * {@link dev.sluice.engine.api.KeyGroupRange} of them and rejects other keys. State is read and
 * written for the backend's current key, per state descriptor and namespace
 * ({@link dev.sluice.engine.state.ValueState}, {@link dev.sluice.engine.state.ListState},
 * {@link dev.sluice.engine.state.MapState}); timers are kept per (key, namespace, timestamp) by an
 * {@link dev.sluice.engine.state.InternalTimerService}. A snapshot is one byte stream per key
 * group ({@link dev.sluice.engine.state.KeyGroupStateFormat}), written with the descriptors'
 * {@link dev.sluice.engine.serde.TypeSerializer}s and never with Java serialization, so a job can
 * be restored at another parallelism by handing each new subtask the key groups it owns. The heap
 * implementation lives in {@code state.heap}; a RocksDB one is to follow behind the same
 * interfaces and contract test.
 */
package dev.sluice.engine.state;
