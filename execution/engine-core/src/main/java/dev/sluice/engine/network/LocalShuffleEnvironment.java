package dev.sluice.engine.network;

import dev.sluice.engine.graph.JobId;

/**
 * The data plane of one JVM: the {@link ResultPartitionManager} and the buffer settings. One
 * instance is shared by every TaskManager of a MiniCluster, so all channels between them are
 * local (buffers handed over in memory, no serialization beyond the records' own).
 *
 * <p>Memory: each result partition (producer subtask x output edge) owns a pool of at most
 * {@code max(buffersPerPartition, subpartitions + 1)} buffers of {@code bufferSizeBytes}. The
 * {@code + 1} guarantees progress: a producer can keep one partly filled buffer per consumer
 * and still get a buffer for the next write once consumers drain.
 *
 * <h3>Threading model</h3>
 * Thread-safe. Owns no threads.
 *
 * <h3>Lifecycle</h3>
 * Created by whoever creates the TaskManagers; {@link #releaseJob} drops a job's partitions when
 * the job ends or restarts; {@link #close()} releases everything and rejects new partitions.
 */
public final class LocalShuffleEnvironment implements AutoCloseable {

  /** 32 KiB, as Flink: large enough to amortize the per-buffer lock, small enough for latency. */
  public static final int DEFAULT_BUFFER_SIZE_BYTES = 32 * 1024;

  /** 16 buffers (512 KiB at the default size) per producer subtask and edge. */
  public static final int DEFAULT_BUFFERS_PER_PARTITION = 16;

  private final int bufferSizeBytes;
  private final int buffersPerPartition;
  private final ResultPartitionManager partitionManager = new ResultPartitionManager();
  private final ShuffleMetrics metrics = new ShuffleMetrics();

  /**
   * @param bufferSizeBytes size of each network buffer; at least 64 (tests use small buffers to
   *     make records span them)
   * @param buffersPerPartition cap on buffers per result partition; at least 2
   */
  public LocalShuffleEnvironment(int bufferSizeBytes, int buffersPerPartition) {
    if (bufferSizeBytes < 64) {
      throw new IllegalArgumentException("bufferSizeBytes must be at least 64, was " + bufferSizeBytes);
    }
    if (buffersPerPartition < 2) {
      throw new IllegalArgumentException("buffersPerPartition must be at least 2, was " + buffersPerPartition);
    }
    this.bufferSizeBytes = bufferSizeBytes;
    this.buffersPerPartition = buffersPerPartition;
  }

  /** With {@link #DEFAULT_BUFFER_SIZE_BYTES} and {@link #DEFAULT_BUFFERS_PER_PARTITION}. */
  public LocalShuffleEnvironment() {
    this(DEFAULT_BUFFER_SIZE_BYTES, DEFAULT_BUFFERS_PER_PARTITION);
  }

  public int bufferSizeBytes() {
    return bufferSizeBytes;
  }

  public int buffersPerPartition() {
    return buffersPerPartition;
  }

  public ResultPartitionManager partitionManager() {
    return partitionManager;
  }

  public ShuffleMetrics metrics() {
    return metrics;
  }

  /** Creates and registers the partition of a producer subtask on one edge. */
  public ResultPartition createResultPartition(ResultPartitionId id, int numberOfSubpartitions) {
    int capacity = Math.max(buffersPerPartition, numberOfSubpartitions + 1);
    BufferPool pool = new BufferPool(id.toString(), bufferSizeBytes, capacity, metrics);
    ResultPartition partition = new ResultPartition(id, numberOfSubpartitions, pool, partitionManager);
    partitionManager.register(partition);
    return partition;
  }

  /** Creates an empty input gate for a consumer task; {@code wakeUp} signals its mailbox. */
  public InputGate createInputGate(Runnable wakeUp) {
    return new InputGate(partitionManager, wakeUp);
  }

  /**
   * Drops every partition of the job; blocked producers and waiting consumers wake up and fail.
   * Call it when a job ends (finished partitions nobody consumed would stay otherwise) and, on
   * a restart, after all tasks of the old attempt ended and before the new ones deploy:
   * partitions are keyed by (job, edge, producer subtask), not by attempt, so a consumer of the
   * new attempt must not find a partition of the old one.
   */
  public void releaseJob(JobId job) {
    partitionManager.releaseJob(job);
  }

  @Override
  public void close() {
    partitionManager.close();
  }
}
