package dev.sluice.engine.element;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte array that serializers write into; reset and reused for every record, so the
 * hot path allocates only when a record is larger than any before it. Not thread-safe.
 */
public final class DataOutputBuffer extends OutputStream {

  private byte[] data;
  private int length;

  public DataOutputBuffer(int initialCapacity) {
    this.data = new byte[Math.max(16, initialCapacity)];
  }

  public void reset() {
    length = 0;
  }

  /** The backing array; valid bytes are {@code [0, length())}. */
  public byte[] data() {
    return data;
  }

  public int length() {
    return length;
  }

  @Override
  public void write(int b) {
    if (length == data.length) {
      grow(length + 1);
    }
    data[length++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    if (length + len > data.length) {
      grow(length + len);
    }
    System.arraycopy(b, off, data, length, len);
    length += len;
  }

  private void grow(int minCapacity) {
    data = Arrays.copyOf(data, Math.max(minCapacity, data.length * 2));
  }
}
