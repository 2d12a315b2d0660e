package dev.sluice.engine.network;

import java.util.ArrayDeque;

/**
 * The queue of finished buffers from one producer subtask to one consumer subtask.
 *
 * <h3>Threading model</h3>
 * The producer's task thread {@link #add adds}, the consumer's task thread {@link #poll polls};
 * both synchronize on this object, once per buffer. {@link #queued} is volatile so that a
 * consumer finds an empty queue without taking the lock. The queue is bounded by the
 * partition's {@link BufferPool}: buffers are only created there.
 *
 * <h3>Lifecycle</h3>
 * Consumed when the consumer read the end-of-partition event, or released (by the consumer
 * giving up, or the producer failing, or the job being released). Released subpartitions
 * recycle whatever they still hold and drop what is added later.
 */
final class ResultSubpartition {

  private final ResultPartition parent;
  private final int index;
  /** Guarded by this. */
  private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
  /** Number of queued buffers; written under the lock. */
  private volatile int queued;
  private volatile boolean released;
  /** Guarded by this. */
  private BufferAvailabilityListener listener;
  /** Guarded by this. Consumed or released by the consumer: counted once by the parent. */
  private boolean doneForConsumer;

  ResultSubpartition(ResultPartition parent, int index) {
    this.parent = parent;
    this.index = index;
  }

  /** Producer thread. */
  void add(Buffer buffer) {
    BufferAvailabilityListener toNotify = null;
    synchronized (this) {
      if (released) {
        buffer.recycle();
        return;
      }
      queue.add(buffer);
      queued = queue.size();
      if (queued == 1) {
        toNotify = listener;
      }
    }
    if (toNotify != null) {
      toNotify.notifyDataAvailable();
    }
  }

  /**
   * Consumer thread: the next buffer, or null when none is queued.
   *
   * @throws PartitionReleasedException when the partition was released before being consumed
   */
  Buffer poll() {
    if (queued == 0) {
      if (released) {
        throw releasedWhileReading();
      }
      return null;
    }
    synchronized (this) {
      if (released) {
        throw releasedWhileReading();
      }
      Buffer b = queue.poll();
      queued = queue.size();
      return b;
    }
  }

  /** Sets the consumer's listener; notifies it at once if data is already queued. */
  void setListener(BufferAvailabilityListener l) {
    boolean notify;
    synchronized (this) {
      listener = l;
      notify = !queue.isEmpty() || released;
    }
    if (notify) {
      l.notifyDataAvailable();
    }
  }

  /** Consumer thread: the end-of-partition event was read. */
  void onConsumed() {
    markDoneForConsumer();
  }

  /** The consumer gives up (its task ended); frees what is queued. */
  void releaseByConsumer() {
    releaseQueue();
    markDoneForConsumer();
  }

  /** The producer side released the partition: wakes the consumer, which then fails. */
  void release() {
    BufferAvailabilityListener toNotify = releaseQueue();
    if (toNotify != null) {
      toNotify.notifyDataAvailable();
    }
  }

  boolean isReleased() {
    return released;
  }

  private BufferAvailabilityListener releaseQueue() {
    synchronized (this) {
      released = true;
      Buffer b;
      while ((b = queue.poll()) != null) {
        b.recycle();
      }
      queued = 0;
      return listener;
    }
  }

  private void markDoneForConsumer() {
    synchronized (this) {
      if (doneForConsumer) {
        return;
      }
      doneForConsumer = true;
    }
    parent.onSubpartitionDone();
  }

  private PartitionReleasedException releasedWhileReading() {
    return new PartitionReleasedException(
        "Subpartition " + index + " of result partition " + parent.id()
            + " was released before it was consumed; its producer probably failed or was canceled");
  }
}
