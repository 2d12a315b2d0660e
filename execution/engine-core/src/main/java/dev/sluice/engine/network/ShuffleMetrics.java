package dev.sluice.engine.network;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counters over all buffer pools of one {@link LocalShuffleEnvironment}; cheap (updated once
 * per buffer) and meant for tests and monitoring.
 */
public final class ShuffleMetrics {

  final AtomicInteger buffersInUse = new AtomicInteger();
  final AtomicInteger peakBuffersInUsePerPartition = new AtomicInteger();
  final AtomicInteger blockedRequesters = new AtomicInteger();

  void onRequested(int inUseInPool) {
    buffersInUse.incrementAndGet();
    peakBuffersInUsePerPartition.accumulateAndGet(inUseInPool, Math::max);
  }

  /** Buffers out of their pools now, over all partitions. */
  public int buffersInUse() {
    return buffersInUse.get();
  }

  /** The most buffers any single partition ever had out of its pool at once. */
  public int peakBuffersInUsePerPartition() {
    return peakBuffersInUsePerPartition.get();
  }

  /** Producers blocked right now waiting for a free buffer (backpressured). */
  public int blockedRequesters() {
    return blockedRequesters.get();
  }
}
