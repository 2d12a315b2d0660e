package dev.sluice.engine.network;

import dev.sluice.engine.api.KeyGroupRange;
import dev.sluice.engine.api.KeySelector;
import dev.sluice.engine.element.DataOutputBuffer;
import dev.sluice.engine.element.ElementCodec;
import dev.sluice.engine.graph.Partitioning;
import dev.sluice.engine.serde.KeyHashingSerializer;
import dev.sluice.engine.serde.TypeSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Serializes a producer's records for one edge into its {@link ResultPartition}, routing each
 * to one subpartition (FORWARD, REBALANCE, HASH) or all of them (BROADCAST).
 *
 * <p>A record is serialized once into a reused scratch array behind room reserved for its
 * 13-byte header, then copied, header and payload in one piece, into the current buffer
 * of each target subpartition, continuing in a fresh buffer
 * when one fills up (records may span buffers). On a HASH edge whose serializer is a
 * {@link KeyHashingSerializer}, the key hash the serializer reports routes the record, so its
 * key is encoded only once (the key selector is not called). Watermarks, stream status, synthetic processing
 * time and end-of-partition are written in-band to every subpartition and flush.
 *
 * <h3>Threading model</h3>
 * Producer task thread only, including {@link #flushAll()} (the buffer timeout runs as mail,
 * not on a timer thread), so the partly filled buffers need no lock.
 *
 * <h3>Flushing</h3>
 * A buffer is handed to the consumer when full, on a watermark, at {@link #finish()}, by the
 * task's periodic {@link #flushAll()}, and, when no buffer is free, before blocking: then all
 * outputs of the task are flushed ({@link #setBeforeBlocking}), so consumers can drain partly
 * filled buffers, recycle them, and never wait for data stuck in another output.
 */
public final class RecordWriter {

  private final ResultPartition partition;
  private final TypeSerializer<Object> serializer;
  private final BufferPool pool;
  private final Buffer[] current;
  private final DataOutputBuffer scratch = new DataOutputBuffer(256);
  private final byte[] event = new byte[ElementCodec.WATERMARK_LENGTH];
  private final int numberOfSubpartitions;
  private final Router router;
  /** Non-null on a HASH edge whose serializer reports key hashes: then routes by {@link #subtaskOfKeyGroup}. */
  private final KeyHashingSerializer<Object> keyHashing;
  private final int[] subtaskOfKeyGroup;
  private final int maxParallelism;
  private final boolean flushEveryRecord;
  private long recordsWritten;
  private boolean finished;
  /** Flushes every output of the producer task before it blocks; defaults to this writer's. */
  private Runnable beforeBlocking = this::flushAll;

  /**
   * @param maxParallelism number of key groups, for HASH routing
   * @param producerSubtask seeds round-robin so producers do not all start at consumer 0
   * @param flushEveryRecord hand each record over at once (buffer timeout 0)
   */
  public RecordWriter(
      ResultPartition partition,
      Partitioning partitioning,
      TypeSerializer<Object> serializer,
      int maxParallelism,
      int producerSubtask,
      boolean flushEveryRecord) {
    this.partition = partition;
    this.serializer = serializer;
    this.pool = partition.bufferPool();
    this.numberOfSubpartitions = partition.numberOfSubpartitions();
    this.current = new Buffer[numberOfSubpartitions];
    this.flushEveryRecord = flushEveryRecord;
    this.router = router(partitioning, numberOfSubpartitions, maxParallelism, producerSubtask);
    this.maxParallelism = maxParallelism;
    if (partitioning instanceof Partitioning.Hash && serializer instanceof KeyHashingSerializer<Object> k) {
      this.keyHashing = k;
      this.subtaskOfKeyGroup = subtaskOfKeyGroup(maxParallelism, numberOfSubpartitions);
    } else {
      this.keyHashing = null;
      this.subtaskOfKeyGroup = null;
    }
  }

  /**
   * What to flush before blocking on a full pool. A task with several outputs sets this to
   * flush all of them: data stuck in another output's partly filled buffer could be what the
   * consumer needs before it can free a buffer of this one.
   */
  public void setBeforeBlocking(Runnable flushAllOutputs) {
    this.beforeBlocking = flushAllOutputs;
  }

  public ResultPartition partition() {
    return partition;
  }

  public long recordsWritten() {
    return recordsWritten;
  }

  public void emit(Object value, long timestamp) {
    if (finished) {
      throw new IllegalStateException("A record was emitted to " + partition.id()
          + " after its end of partition; operators must not emit from close()");
    }
    scratch.resetReserving(ElementCodec.RECORD_HEADER_LENGTH);
    int keyHash = 0;
    try {
      if (keyHashing != null) {
        keyHash = keyHashing.serializeAndHashKey(value, scratch);
      } else {
        serializer.serialize(value, scratch);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot serialize a record for " + partition.id() + ": " + e.getMessage(), e);
    }
    int length = scratch.length();
    ElementCodec.writeRecordHeader(scratch.data(), timestamp, length - ElementCodec.RECORD_HEADER_LENGTH);
    int target = keyHashing != null
        ? subtaskOfKeyGroup[KeyGroupRange.assignToKeyGroup(keyHash, maxParallelism)]
        : router.select(value);
    recordsWritten++;
    if (target >= 0) {
      writeRecord(target, length);
    } else {
      for (int s = 0; s < numberOfSubpartitions; s++) {
        writeRecord(s, length);
      }
    }
  }

  /** Writes a watermark to every subpartition and flushes them. */
  public void broadcastWatermark(long watermark) {
    if (finished) {
      return;
    }
    event[0] = ElementCodec.WATERMARK;
    ElementCodec.putLong(event, 1, watermark);
    for (int s = 0; s < numberOfSubpartitions; s++) {
      write(s, event, 0, ElementCodec.WATERMARK_LENGTH);
    }
    flushAll();
  }

  /**
   * Writes a stream status to every subpartition and flushes: consumers leave an idle producer
   * out of their minimum watermark until it is active again.
   */
  public void broadcastStreamStatus(boolean idle) {
    if (finished) {
      return;
    }
    event[0] = ElementCodec.STREAM_STATUS;
    event[1] = idle ? ElementCodec.STATUS_IDLE : ElementCodec.STATUS_ACTIVE;
    for (int s = 0; s < numberOfSubpartitions; s++) {
      write(s, event, 0, ElementCodec.STREAM_STATUS_LENGTH);
    }
    flushAll();
  }

  /**
   * Writes a synthetic processing time (an aligned barrier, see {@code ProcessingTimeAligner})
   * to every subpartition and flushes: everything written before it reaches each consumer
   * before the consumer's processing time moves.
   */
  public void broadcastProcessingTime(long time) {
    if (finished) {
      return;
    }
    event[0] = ElementCodec.PROCESSING_TIME;
    ElementCodec.putLong(event, 1, time);
    for (int s = 0; s < numberOfSubpartitions; s++) {
      write(s, event, 0, ElementCodec.PROCESSING_TIME_LENGTH);
    }
    flushAll();
  }

  /** Writes end-of-partition to every subpartition and flushes: the producer is done. */
  public void finish() {
    finished = true;
    event[0] = ElementCodec.END_OF_PARTITION;
    for (int s = 0; s < numberOfSubpartitions; s++) {
      write(s, event, 0, ElementCodec.END_OF_PARTITION_LENGTH);
    }
    flushAll();
  }

  /** Hands every partly filled buffer to its consumer. */
  public void flushAll() {
    for (int s = 0; s < numberOfSubpartitions; s++) {
      flush(s);
    }
  }

  /** Drops partly filled buffers (task failed or canceled); the partition is released separately. */
  public void discard() {
    for (int s = 0; s < numberOfSubpartitions; s++) {
      Buffer b = current[s];
      if (b != null) {
        current[s] = null;
        b.recycle();
      }
    }
  }

  /** Copies the scratch (header and payload, {@code length} bytes in all) to one subpartition. */
  private void writeRecord(int subpartition, int length) {
    write(subpartition, scratch.data(), 0, length);
    if (flushEveryRecord) {
      flush(subpartition);
    }
  }

  private void flush(int subpartition) {
    Buffer b = current[subpartition];
    if (b != null && b.size > 0) {
      current[subpartition] = null;
      partition.subpartition(subpartition).add(b);
    }
  }

  private void write(int subpartition, byte[] src, int offset, int length) {
    while (length > 0) {
      Buffer b = current[subpartition];
      if (b == null) {
        b = requestBuffer();
        current[subpartition] = b;
      }
      int n = Math.min(length, b.memory.length - b.size);
      System.arraycopy(src, offset, b.memory, b.size, n);
      b.size += n;
      offset += n;
      length -= n;
      if (b.size == b.memory.length) {
        current[subpartition] = null;
        partition.subpartition(subpartition).add(b);
      }
    }
  }

  private Buffer requestBuffer() {
    Buffer b = pool.tryRequest();
    if (b != null) {
      return b;
    }
    // Out of buffers: let consumers have the partly filled ones so they can recycle them.
    beforeBlocking.run();
    try {
      return pool.requestBlocking();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PartitionReleasedException("Interrupted while waiting for a free buffer of " + partition.id());
    }
  }

  /** Picks a subpartition for a record; -1 means all of them. */
  private interface Router {
    int select(Object value);
  }

  /** Key group -> subtask, computed once: saves a long division per record. */
  private static int[] subtaskOfKeyGroup(int maxParallelism, int subtasks) {
    int[] subtaskOfKeyGroup = new int[maxParallelism];
    for (int kg = 0; kg < maxParallelism; kg++) {
      subtaskOfKeyGroup[kg] = KeyGroupRange.operatorIndexForKeyGroup(maxParallelism, subtasks, kg);
    }
    return subtaskOfKeyGroup;
  }

  private static Router router(Partitioning p, int n, int maxParallelism, int producerSubtask) {
    if (p instanceof Partitioning.Forward) {
      return v -> 0;
    }
    if (p instanceof Partitioning.Broadcast) {
      return v -> -1;
    }
    if (p instanceof Partitioning.Rebalance) {
      return new Router() {
        private int next = producerSubtask % n;

        @Override
        public int select(Object value) {
          int s = next;
          next = s + 1 == n ? 0 : s + 1;
          return s;
        }
      };
    }
    if (p instanceof Partitioning.Hash h) {
      KeySelector keySelector = h.keySelector();
      int[] subtaskOfKeyGroup = subtaskOfKeyGroup(maxParallelism, n);
      return v -> {
        Object key;
        try {
          key = keySelector.getKey(v);
        } catch (RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new IllegalStateException("Key selector failed: " + e.getMessage(), e);
        }
        int keyGroup = KeyGroupRange.assignToKeyGroup(key == null ? 0 : key.hashCode(), maxParallelism);
        return subtaskOfKeyGroup[keyGroup];
      };
    }
    throw new IllegalArgumentException("Unknown partitioning " + p);
  }
}
