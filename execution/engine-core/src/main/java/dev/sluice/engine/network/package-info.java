/**
 * The local data plane: bounded {@link dev.sluice.engine.network.BufferPool}s,
 * {@link dev.sluice.engine.network.ResultPartition}s (one per producer subtask and edge, one
 * subpartition per consumer), the {@link dev.sluice.engine.network.ResultPartitionManager}
 * registry, the producer's {@link dev.sluice.engine.network.RecordWriter} and the consumer's
 * {@link dev.sluice.engine.network.InputGate} of {@link dev.sluice.engine.network.LocalInputChannel}s.
 * Backpressure is the bounded pool: a producer with no free buffer blocks until a consumer
 * recycles one. Uses {@code element}, {@code graph}, {@code serde}; knows nothing of tasks.
 */
package dev.sluice.engine.network;
