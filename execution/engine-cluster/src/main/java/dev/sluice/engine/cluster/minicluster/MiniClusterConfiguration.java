package dev.sluice.engine.cluster.minicluster;

import java.time.Duration;

/**
 * How a {@link MiniCluster} is laid out. Immutable; derive variants with the {@code with...}
 * methods.
 *
 * @param numTaskManagers TaskManagers to start
 * @param slotsPerTaskManager task slots each offers; a slot holds one subtask of every vertex
 *     (slot sharing), so a job needs as many slots as its highest parallelism
 * @param shuffleBufferSizeBytes size of one network buffer of the shared shuffle environment
 * @param shuffleBuffersPerPartition buffers each result partition may hold (bounds memory and
 *     gives backpressure)
 * @param taskCancellationTimeout how long closing waits for cancelled tasks to stop
 * @param accumulatorTimeout how long a live accumulator request waits for a TaskManager
 * @param heartbeatInterval how often TaskManagers send heartbeats to the JobManager
 */
public record MiniClusterConfiguration(
    int numTaskManagers,
    int slotsPerTaskManager,
    int shuffleBufferSizeBytes,
    int shuffleBuffersPerPartition,
    Duration taskCancellationTimeout,
    Duration accumulatorTimeout,
    Duration heartbeatInterval) {

  public static final int DEFAULT_SHUFFLE_BUFFER_SIZE_BYTES = 32 * 1024;
  public static final int DEFAULT_SHUFFLE_BUFFERS_PER_PARTITION = 16;

  public MiniClusterConfiguration {
    if (numTaskManagers < 1 || slotsPerTaskManager < 1) {
      throw new IllegalArgumentException("A mini cluster needs at least one task manager with one slot, was "
          + numTaskManagers + " task managers with " + slotsPerTaskManager + " slots");
    }
    if (shuffleBufferSizeBytes < 1 || shuffleBuffersPerPartition < 1) {
      throw new IllegalArgumentException("Shuffle buffer size and buffers per partition must be positive, were "
          + shuffleBufferSizeBytes + " and " + shuffleBuffersPerPartition);
    }
  }

  /** Default buffers and timeouts. */
  public MiniClusterConfiguration(int numTaskManagers, int slotsPerTaskManager) {
    this(numTaskManagers, slotsPerTaskManager, DEFAULT_SHUFFLE_BUFFER_SIZE_BYTES, DEFAULT_SHUFFLE_BUFFERS_PER_PARTITION,
        Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofSeconds(5));
  }

  /** One TaskManager with {@code parallelism} slots. */
  public static MiniClusterConfiguration forParallelism(int parallelism) {
    return new MiniClusterConfiguration(1, parallelism);
  }

  public int totalSlots() {
    return numTaskManagers * slotsPerTaskManager;
  }

  public MiniClusterConfiguration withTaskManagers(int numTaskManagers, int slotsPerTaskManager) {
    return new MiniClusterConfiguration(numTaskManagers, slotsPerTaskManager, shuffleBufferSizeBytes,
        shuffleBuffersPerPartition, taskCancellationTimeout, accumulatorTimeout, heartbeatInterval);
  }

  public MiniClusterConfiguration withShuffleBuffers(int bufferSizeBytes, int buffersPerPartition) {
    return new MiniClusterConfiguration(numTaskManagers, slotsPerTaskManager, bufferSizeBytes, buffersPerPartition,
        taskCancellationTimeout, accumulatorTimeout, heartbeatInterval);
  }

  public MiniClusterConfiguration withTaskCancellationTimeout(Duration timeout) {
    return new MiniClusterConfiguration(numTaskManagers, slotsPerTaskManager, shuffleBufferSizeBytes,
        shuffleBuffersPerPartition, timeout, accumulatorTimeout, heartbeatInterval);
  }

  public MiniClusterConfiguration withAccumulatorTimeout(Duration timeout) {
    return new MiniClusterConfiguration(numTaskManagers, slotsPerTaskManager, shuffleBufferSizeBytes,
        shuffleBuffersPerPartition, taskCancellationTimeout, timeout, heartbeatInterval);
  }

  public MiniClusterConfiguration withHeartbeatInterval(Duration interval) {
    return new MiniClusterConfiguration(numTaskManagers, slotsPerTaskManager, shuffleBufferSizeBytes,
        shuffleBuffersPerPartition, taskCancellationTimeout, accumulatorTimeout, interval);
  }
}
