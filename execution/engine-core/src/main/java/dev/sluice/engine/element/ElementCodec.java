package dev.sluice.engine.element;

/**
 * Wire format of stream elements inside one subpartition's byte stream. Elements are written
 * back to back into network buffers and may span buffer boundaries:
 *
 * <pre>
 * RECORD           [tag=1][timestamp: 8][length: 4][payload: length bytes, the edge's TypeSerializer]
 * WATERMARK        [tag=2][watermark: 8]
 * END_OF_PARTITION [tag=3]
 * STREAM_STATUS    [tag=4][status: 1]   0 = active, 1 = idle
 * PROCESSING_TIME  [tag=5][time: 8]     synthetic processing time; an aligned barrier
 * </pre>
 *
 * All integers are big-endian. The length prefix lets a reader tell whether a record is complete
 * before it calls the serializer, so deserializers never see a truncated record.
 */
public final class ElementCodec {

  public static final byte RECORD = 1;
  public static final byte WATERMARK = 2;
  public static final byte END_OF_PARTITION = 3;
  /** The producer became idle or active again; see {@code WatermarkValve}. */
  public static final byte STREAM_STATUS = 4;
  /**
   * Synthetic processing time moved (or a source marks a step of its replay): consumers align
   * it over their channels, see {@code ProcessingTimeAligner}.
   */
  public static final byte PROCESSING_TIME = 5;

  /** Tag + timestamp + payload length. */
  public static final int RECORD_HEADER_LENGTH = 1 + 8 + 4;
  public static final int WATERMARK_LENGTH = 1 + 8;
  public static final int END_OF_PARTITION_LENGTH = 1;
  public static final int STREAM_STATUS_LENGTH = 1 + 1;
  public static final int PROCESSING_TIME_LENGTH = 1 + 8;
  public static final byte STATUS_ACTIVE = 0;
  public static final byte STATUS_IDLE = 1;

  private ElementCodec() {}

  /** Bytes needed to know the full length of an element that starts with {@code tag}. */
  public static int headerLength(byte tag) {
    return switch (tag) {
      case RECORD -> RECORD_HEADER_LENGTH;
      case WATERMARK -> WATERMARK_LENGTH;
      case END_OF_PARTITION -> END_OF_PARTITION_LENGTH;
      case STREAM_STATUS -> STREAM_STATUS_LENGTH;
      case PROCESSING_TIME -> PROCESSING_TIME_LENGTH;
      default -> throw corrupt(tag);
    };
  }

  /**
   * The total length of the element starting at {@code bytes[offset]}, or -1 when the
   * {@code available} bytes do not yet hold its header.
   */
  public static int elementLength(byte[] bytes, int offset, int available) {
    if (available < 1) {
      return -1;
    }
    byte tag = bytes[offset];
    switch (tag) {
      case RECORD:
        return available < RECORD_HEADER_LENGTH ? -1 : RECORD_HEADER_LENGTH + getInt(bytes, offset + 9);
      case WATERMARK:
        return WATERMARK_LENGTH;
      case END_OF_PARTITION:
        return END_OF_PARTITION_LENGTH;
      case STREAM_STATUS:
        return available < STREAM_STATUS_LENGTH ? -1 : STREAM_STATUS_LENGTH;
      case PROCESSING_TIME:
        return PROCESSING_TIME_LENGTH;
      default:
        throw corrupt(tag);
    }
  }

  /** Writes a record header into {@code target[0..13)}. */
  public static void writeRecordHeader(byte[] target, long timestamp, int payloadLength) {
    target[0] = RECORD;
    putLong(target, 1, timestamp);
    putInt(target, 9, payloadLength);
  }

  public static void putLong(byte[] b, int off, long v) {
    for (int i = 7; i >= 0; i--) {
      b[off + i] = (byte) v;
      v >>>= 8;
    }
  }

  public static long getLong(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xFF);
    }
    return v;
  }

  public static void putInt(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  public static int getInt(byte[] b, int off) {
    return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
  }

  private static IllegalStateException corrupt(byte tag) {
    return new IllegalStateException(
        "Corrupt element stream: unknown element tag " + tag + ". A serializer probably wrote more or fewer bytes than it read.");
  }
}
