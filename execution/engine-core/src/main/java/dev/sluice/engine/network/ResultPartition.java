package dev.sluice.engine.network;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The output of one producer subtask on one edge: one {@link ResultSubpartition} per consumer
 * subtask (a FORWARD edge has a single subpartition) and the bounded {@link BufferPool} all of
 * them draw from. The producer writes through a {@link RecordWriter}.
 *
 * <h3>Lifecycle</h3>
 * Registered with the {@link ResultPartitionManager} when the producer deploys; it removes
 * itself when every subpartition was consumed (or given up) by its consumer, or when it is
 * {@link #release() released} (producer failed or canceled, or the job was released).
 */
public final class ResultPartition {

  private final ResultPartitionId id;
  private final ResultSubpartition[] subpartitions;
  private final BufferPool pool;
  private final ResultPartitionManager manager;
  private final AtomicInteger subpartitionsNotDone;
  private final AtomicBoolean released = new AtomicBoolean();

  ResultPartition(ResultPartitionId id, int numberOfSubpartitions, BufferPool pool, ResultPartitionManager manager) {
    this.id = id;
    this.pool = pool;
    this.manager = manager;
    this.subpartitions = new ResultSubpartition[numberOfSubpartitions];
    for (int i = 0; i < numberOfSubpartitions; i++) {
      subpartitions[i] = new ResultSubpartition(this, i);
    }
    this.subpartitionsNotDone = new AtomicInteger(numberOfSubpartitions);
  }

  public ResultPartitionId id() {
    return id;
  }

  public int numberOfSubpartitions() {
    return subpartitions.length;
  }

  public BufferPool bufferPool() {
    return pool;
  }

  ResultSubpartition subpartition(int index) {
    return subpartitions[index];
  }

  public boolean isReleased() {
    return released.get();
  }

  /**
   * Drops all queued data, wakes a producer blocked on the pool (it gets
   * {@link PartitionReleasedException}) and consumers (they fail reading), and unregisters.
   * Idempotent; any thread.
   */
  public void release() {
    if (!released.compareAndSet(false, true)) {
      return;
    }
    pool.destroy();
    for (ResultSubpartition s : subpartitions) {
      s.release();
    }
    manager.unregister(this);
  }

  /**
   * Makes the producer's buffer requests fail at once (waking it if it is blocked on a full
   * pool), without touching what consumers still have to read. Used by task cancellation from
   * another thread: the partition itself is released by the producer's own thread as it ends,
   * so consumers canceled at the same time usually see their own cancellation first.
   */
  public void abortProducer() {
    pool.destroy();
  }

  void onSubpartitionDone() {
    if (subpartitionsNotDone.decrementAndGet() == 0) {
      // Everything was read: nobody needs this partition any more.
      if (released.compareAndSet(false, true)) {
        pool.destroy();
        manager.unregister(this);
      }
    }
  }

  @Override
  public String toString() {
    return "ResultPartition(" + id + ", " + subpartitions.length + " subpartitions)";
  }
}
