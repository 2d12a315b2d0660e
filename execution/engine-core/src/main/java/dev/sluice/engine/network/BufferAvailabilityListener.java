package dev.sluice.engine.network;

/** Told when a subpartition's queue turns non-empty or the subpartition is released. */
interface BufferAvailabilityListener {
  /** Called from the producer's (or releasing) thread; must not block. */
  void notifyDataAvailable();
}
