package dev.sluice.engine.network;

import dev.sluice.engine.element.ByteArrayInputView;
import dev.sluice.engine.element.ElementCodec;
import dev.sluice.engine.serde.TypeSerializer;
import java.io.IOException;
import java.util.Arrays;

/**
 * The consumer's end of one subpartition in the same JVM: takes the producer's buffers
 * directly (no copy, no Netty) and decodes elements from them.
 *
 * <p>Decoding: an element that lies inside one buffer is deserialized in place. An element that
 * spans buffers is first gathered into a reused spill array; if the rest has not arrived yet,
 * {@link #readNext()} returns {@link #NONE} and resumes later where it stopped.
 *
 * <h3>Threading model</h3>
 * Reading is consumer task thread only. {@link #attach} runs on whichever thread registered
 * the producer; {@link #notifyDataAvailable()} on the producer's thread. Both only touch
 * volatile fields and the gate's wake-up callback.
 */
public final class LocalInputChannel implements BufferAvailabilityListener {

  /** {@link #readNext()}: no complete element available now. */
  public static final int NONE = 0;

  private final InputGate gate;
  private final int channelIndex;
  private final int inputIndex;
  private final int channelIndexInInput;
  private final ResultPartitionId partitionId;
  private final int subpartitionIndex;
  private final TypeSerializer<Object> serializer;
  private final ByteArrayInputView view = new ByteArrayInputView();

  /** Null until the producer registered. */
  private volatile ResultSubpartition subpartition;
  /** The producer's partition was released before we attached. */
  private volatile boolean producerReleased;
  /** Set by the consumer task thread; attach then gives the subpartition back. Guarded by this. */
  private boolean released;

  // Decoder state: consumer task thread only.
  private Buffer buffer;
  private int position;
  private byte[] spill = new byte[64];
  private int spillLength;
  private boolean ended;
  /** Not read while set: the channel waits at a processing-time barrier for the others. */
  private boolean blocked;

  // The last decoded element: consumer task thread only.
  private Object value;
  private long timestamp;
  private boolean idle;

  LocalInputChannel(
      InputGate gate,
      int channelIndex,
      int inputIndex,
      int channelIndexInInput,
      ResultPartitionId partitionId,
      int subpartitionIndex,
      TypeSerializer<Object> serializer) {
    this.gate = gate;
    this.channelIndex = channelIndex;
    this.inputIndex = inputIndex;
    this.channelIndexInInput = channelIndexInInput;
    this.partitionId = partitionId;
    this.subpartitionIndex = subpartitionIndex;
    this.serializer = serializer;
  }

  public int inputIndex() {
    return inputIndex;
  }

  /** Index of this channel among the channels of its input (for the watermark valve). */
  public int channelIndexInInput() {
    return channelIndexInInput;
  }

  public ResultPartitionId partitionId() {
    return partitionId;
  }

  public boolean isEnded() {
    return ended;
  }

  /** Index of this channel in its gate (all inputs). */
  public int channelIndex() {
    return channelIndex;
  }

  /** Whether the gate skips this channel (consumer task thread only). */
  public boolean isBlocked() {
    return blocked;
  }

  /** Makes the gate skip this channel, or read it again (consumer task thread only). */
  public void setBlocked(boolean blocked) {
    this.blocked = blocked;
  }

  /** The record value of the last {@link ElementCodec#RECORD} read. */
  public Object value() {
    return value;
  }

  /** The record timestamp, the watermark, or the processing time, of the last element read. */
  public long timestamp() {
    return timestamp;
  }

  /** For the last {@link ElementCodec#STREAM_STATUS} read: whether the producer is idle. */
  public boolean idle() {
    return idle;
  }

  /** True when the current buffer was used up by the last read (the gate then moves on). */
  boolean bufferExhausted() {
    return buffer == null;
  }

  void attach(ResultPartition partition) {
    ResultSubpartition s = partition.subpartition(subpartitionIndex);
    synchronized (this) {
      if (!released) {
        subpartition = s;
      }
    }
    if (subpartition == s) {
      s.setListener(this);
    } else {
      s.releaseByConsumer();
    }
  }

  void onProducerReleased() {
    producerReleased = true;
    notifyDataAvailable();
  }

  @Override
  public void notifyDataAvailable() {
    gate.notifyChannelNonEmpty();
  }

  /**
   * Decodes the next element.
   *
   * @return the element's tag ({@link ElementCodec#RECORD}, {@link ElementCodec#WATERMARK},
   *     {@link ElementCodec#END_OF_PARTITION}, {@link ElementCodec#STREAM_STATUS},
   *     {@link ElementCodec#PROCESSING_TIME}), or {@link #NONE} when no complete element is there
   */
  public int readNext() throws IOException {
    while (true) {
      if (spillLength == 0) {
        if (buffer == null && !nextBuffer()) {
          return NONE;
        }
        int available = buffer.size - position;
        int total = ElementCodec.elementLength(buffer.memory, position, available);
        if (total >= 0 && total <= available) {
          int tag = decode(buffer.memory, position, total);
          position += total;
          if (position == buffer.size || ended) {
            recycleBuffer();
          }
          return tag;
        }
        // The element continues in the next buffer: keep its first part.
        ensureSpill(Math.max(available, ElementCodec.RECORD_HEADER_LENGTH));
        System.arraycopy(buffer.memory, position, spill, 0, available);
        spillLength = available;
        recycleBuffer();
      }
      // Gathering an element that spans buffers.
      if (buffer == null && !nextBuffer()) {
        return NONE;
      }
      int total = ElementCodec.elementLength(spill, 0, spillLength);
      int wanted = total >= 0 ? total : ElementCodec.headerLength(spill[0]);
      ensureSpill(wanted);
      int n = Math.min(wanted - spillLength, buffer.size - position);
      System.arraycopy(buffer.memory, position, spill, spillLength, n);
      spillLength += n;
      position += n;
      if (position == buffer.size) {
        recycleBuffer();
      }
      if (total >= 0 && spillLength == total) {
        spillLength = 0;
        int tag = decode(spill, 0, total);
        if (ended) {
          recycleBuffer();
        }
        return tag;
      }
    }
  }

  private boolean nextBuffer() {
    ResultSubpartition s = subpartition;
    if (s == null) {
      if (producerReleased) {
        throw new PartitionReleasedException("Result partition " + partitionId + " was released before its producer registered it; the job was probably canceled");
      }
      return false;
    }
    Buffer b = s.poll();
    if (b == null) {
      return false;
    }
    buffer = b;
    position = 0;
    return true;
  }

  private int decode(byte[] bytes, int offset, int length) throws IOException {
    byte tag = bytes[offset];
    switch (tag) {
      case ElementCodec.RECORD -> {
        timestamp = ElementCodec.getLong(bytes, offset + 1);
        int payload = length - ElementCodec.RECORD_HEADER_LENGTH;
        view.set(bytes, offset + ElementCodec.RECORD_HEADER_LENGTH, payload);
        value = serializer.deserialize(view);
        if (view.remaining() != 0) {
          throw new IOException("Serializer " + serializer.getClass().getName() + " read " + (payload - view.remaining())
              + " of " + payload + " bytes of a record from " + partitionId + "; serialize and deserialize disagree");
        }
      }
      case ElementCodec.WATERMARK, ElementCodec.PROCESSING_TIME -> {
        value = null;
        timestamp = ElementCodec.getLong(bytes, offset + 1);
      }
      case ElementCodec.STREAM_STATUS -> {
        value = null;
        idle = bytes[offset + 1] == ElementCodec.STATUS_IDLE;
      }
      case ElementCodec.END_OF_PARTITION -> {
        value = null;
        ended = true;
        subpartition.onConsumed();
      }
      default -> throw new IllegalStateException("Unknown element tag " + tag + " from " + partitionId);
    }
    return tag;
  }

  private void ensureSpill(int size) {
    if (spill.length < size) {
      spill = Arrays.copyOf(spill, Math.max(size, spill.length * 2));
    }
  }

  private void recycleBuffer() {
    if (buffer != null) {
      Buffer b = buffer;
      buffer = null;
      b.recycle();
    }
  }

  /** Consumer task thread: frees what this channel holds and tells the producer side. */
  void release(ResultPartitionManager manager) {
    ResultSubpartition s;
    synchronized (this) {
      if (released) {
        return;
      }
      released = true;
      s = subpartition;
    }
    recycleBuffer();
    if (s != null) {
      s.releaseByConsumer();
    } else {
      manager.cancelRequest(this);
    }
  }

  @Override
  public String toString() {
    return "LocalInputChannel(" + partitionId + "[" + subpartitionIndex + "] -> input " + inputIndex + ")";
  }
}
