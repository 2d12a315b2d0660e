package dev.sluice.engine.sort;

import java.io.EOFException;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Reads a run written by {@link RunWriter}, group by group, in a single pass. */
final class RunReader implements SortedSource {

  private final File file;
  private final InputStream in;
  private final byte[] buffer;
  private int position;
  private int limit;
  private byte[] key = new byte[64];
  private int keyLength;
  /** True while positioned inside a group whose value list has not been fully read. */
  private boolean inGroup;
  private boolean finished;

  RunReader(File file, int bufferSize) throws IOException {
    this.file = file;
    this.in = new FileInputStream(file);
    this.buffer = new byte[bufferSize];
  }

  @Override
  public boolean nextGroup() throws IOException {
    if (finished) {
      return false;
    }
    if (inGroup) {
      int header;
      while ((header = readVarint()) != 0) {
        skip(header - 1);
      }
      inGroup = false;
    }
    int header = readVarint();
    if (header == 0) {
      finished = true;
      return false;
    }
    keyLength = header - 1;
    if (key.length < keyLength) {
      key = new byte[Math.max(keyLength, key.length * 2)];
    }
    readFully(key, 0, keyLength);
    inGroup = true;
    return true;
  }

  @Override
  public byte[] keyBuffer() {
    return key;
  }

  @Override
  public int keyLength() {
    return keyLength;
  }

  @Override
  public byte[] nextValue() throws IOException {
    if (!inGroup) {
      return null;
    }
    int header = readVarint();
    if (header == 0) {
      inGroup = false;
      return null;
    }
    byte[] value = new byte[header - 1];
    readFully(value, 0, value.length);
    return value;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private int readVarint() throws IOException {
    int result = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (position == limit) {
        fill();
      }
      byte b = buffer[position++];
      result |= (b & 0x7F) << shift;
      if (b >= 0) {
        return result;
      }
    }
    throw new IOException("Malformed varint in spill file " + file + ": the file is corrupt");
  }

  private void readFully(byte[] target, int offset, int length) throws IOException {
    while (length > 0) {
      if (position == limit) {
        if (length >= buffer.length) {
          // Large value: read straight into the target instead of through the buffer.
          int n = in.read(target, offset, length);
          if (n < 0) {
            throw truncated();
          }
          offset += n;
          length -= n;
          continue;
        }
        fill();
      }
      int n = Math.min(length, limit - position);
      System.arraycopy(buffer, position, target, offset, n);
      position += n;
      offset += n;
      length -= n;
    }
  }

  private void skip(int length) throws IOException {
    while (length > 0) {
      if (position == limit) {
        fill();
      }
      int n = Math.min(length, limit - position);
      position += n;
      length -= n;
    }
  }

  private void fill() throws IOException {
    int n = in.read(buffer, 0, buffer.length);
    if (n <= 0) {
      throw truncated();
    }
    position = 0;
    limit = n;
  }

  private EOFException truncated() {
    return new EOFException(
        "Spill file " + file + " ended before its end-of-run marker: it was truncated or"
            + " deleted while being read");
  }

  @Override
  public String toString() {
    return "RunReader[" + file + ", key=" + Arrays.toString(Arrays.copyOf(key, keyLength)) + "]";
  }
}
