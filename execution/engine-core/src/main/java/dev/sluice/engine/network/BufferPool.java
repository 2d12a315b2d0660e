package dev.sluice.engine.network;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded set of buffers of one result partition. Buffers are allocated lazily, at most
 * {@code capacity} of them, and come back through {@link Buffer#recycle()} once the consumer
 * has read them. When all are out, {@link #requestBlocking()} blocks the producer: this is the
 * backpressure that keeps memory bounded.
 *
 * <h3>Threading model</h3>
 * Requested by the producer's task thread, recycled by the consumer's task thread, destroyed
 * by whoever releases the partition (possibly a canceling thread). One lock, taken once per
 * buffer, never per record.
 *
 * <h3>Lifecycle</h3>
 * Live until {@link #destroy()}; afterwards requests fail with
 * {@link PartitionReleasedException} (waking a blocked producer) and recycled buffers are
 * dropped for the garbage collector.
 */
public final class BufferPool {

  private final String owner;
  private final int bufferSize;
  private final int capacity;
  private final ShuffleMetrics metrics;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition bufferAvailable = lock.newCondition();
  /** Guarded by lock. */
  private final ArrayDeque<Buffer> free = new ArrayDeque<>();
  /** Buffers created so far, at most capacity. Guarded by lock. */
  private int allocated;
  /** Buffers handed out and not yet recycled. Guarded by lock. */
  private int inUse;
  /** Guarded by lock. */
  private boolean destroyed;

  BufferPool(String owner, int bufferSize, int capacity, ShuffleMetrics metrics) {
    this.owner = owner;
    this.bufferSize = bufferSize;
    this.capacity = capacity;
    this.metrics = metrics;
  }

  public int capacity() {
    return capacity;
  }

  public int bufferSize() {
    return bufferSize;
  }

  /** A free buffer, or null if all {@link #capacity()} buffers are in flight. */
  Buffer tryRequest() {
    lock.lock();
    try {
      checkNotDestroyed();
      return takeLocked();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until a buffer is free. Woken by a recycled buffer or by {@link #destroy()} (then
   * throws {@link PartitionReleasedException}), so a canceled task never stays blocked here.
   */
  Buffer requestBlocking() throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        checkNotDestroyed();
        Buffer b = takeLocked();
        if (b != null) {
          return b;
        }
        metrics.blockedRequesters.incrementAndGet();
        try {
          bufferAvailable.await();
        } finally {
          metrics.blockedRequesters.decrementAndGet();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  void recycle(Buffer buffer) {
    lock.lock();
    try {
      inUse--;
      metrics.buffersInUse.decrementAndGet();
      if (!destroyed) {
        free.push(buffer);
        bufferAvailable.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  void destroy() {
    lock.lock();
    try {
      destroyed = true;
      free.clear();
      bufferAvailable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Buffers out of the pool right now (being filled, queued, or being read). */
  public int buffersInUse() {
    lock.lock();
    try {
      return inUse;
    } finally {
      lock.unlock();
    }
  }

  private Buffer takeLocked() {
    Buffer b = free.poll();
    if (b == null && allocated < capacity) {
      allocated++;
      b = new Buffer(new byte[bufferSize], this);
    }
    if (b != null) {
      inUse++;
      metrics.onRequested(inUse);
    }
    return b;
  }

  private void checkNotDestroyed() {
    if (destroyed) {
      throw new PartitionReleasedException("Result partition " + owner + " was released while its producer was writing; the task was probably canceled");
    }
  }
}
