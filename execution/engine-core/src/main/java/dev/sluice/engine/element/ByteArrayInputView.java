package dev.sluice.engine.element;

import java.io.InputStream;

/**
 * An {@link InputStream} over a range of a byte array that can be re-pointed at another range,
 * so that deserializing a record needs no new stream object. Not thread-safe.
 */
public final class ByteArrayInputView extends InputStream {

  private byte[] bytes = new byte[0];
  private int position;
  private int limit;

  public void set(byte[] bytes, int offset, int length) {
    this.bytes = bytes;
    this.position = offset;
    this.limit = offset + length;
  }

  /** Bytes not yet read from the current range. */
  public int remaining() {
    return limit - position;
  }

  @Override
  public int read() {
    return position < limit ? bytes[position++] & 0xFF : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (len == 0) {
      return 0;
    }
    int n = Math.min(len, limit - position);
    if (n <= 0) {
      return -1;
    }
    System.arraycopy(bytes, position, b, off, n);
    position += n;
    return n;
  }

  @Override
  public long skip(long n) {
    int k = (int) Math.max(0, Math.min(n, limit - position));
    position += k;
    return k;
  }

  @Override
  public int available() {
    return limit - position;
  }
}
