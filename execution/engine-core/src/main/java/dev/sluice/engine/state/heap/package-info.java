/**
 * The heap keyed state backend: state lives as Java objects in hash maps partitioned by key
 * group ({@link dev.sluice.engine.state.heap.StateTable}), timers in indexed binary heaps
 * ({@link dev.sluice.engine.state.heap.TimerHeap}). Snapshots are currently taken synchronously
 * on the mailbox thread by serializing every key group; copy-on-write tables for asynchronous
 * snapshots can replace that behind the same {@link dev.sluice.engine.state.SnapshotRunner}.
 * Restored state is kept as raw per-key-group bytes until the operator registers it (which is
 * when its serializers become known), and is carried into later snapshots meanwhile.
 */
package dev.sluice.engine.state.heap;
