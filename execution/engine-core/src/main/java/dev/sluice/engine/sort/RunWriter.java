package dev.sluice.engine.sort;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes one sorted run to a spill file. The format is grouped, so a key repeated by many
 * values is stored once:
 *
 * <pre>
 *   run   := group* 0
 *   group := varint(keyLength + 1) keyBytes value* 0
 *   value := varint(valueLength + 1) valueBytes
 * </pre>
 *
 * Varints are unsigned LEB128. Groups must be written in ascending key order and each key once;
 * the writer does not check this (the callers produce sorted, grouped output by construction).
 *
 * <p>Buffers in its own array rather than a {@code BufferedOutputStream} so that varints and
 * small values are written without a (synchronized) call per byte.
 */
final class RunWriter implements AutoCloseable {

  private final File file;
  private final OutputStream out;
  private final byte[] buffer;
  private int position;
  private long bytesWritten;
  private boolean closed;

  RunWriter(File file, int bufferSize) throws IOException {
    this.file = file;
    this.out = new FileOutputStream(file);
    this.buffer = new byte[bufferSize];
  }

  File file() {
    return file;
  }

  void startGroup(byte[] key, int offset, int length) throws IOException {
    writeVarint(length + 1);
    writeBytes(key, offset, length);
  }

  void writeValue(byte[] value, int offset, int length) throws IOException {
    writeVarint(length + 1);
    writeBytes(value, offset, length);
  }

  void endGroup() throws IOException {
    writeVarint(0);
  }

  /** Writes the end-of-run marker, flushes and closes the file. */
  void finish() throws IOException {
    writeVarint(0);
    flushBuffer();
    closed = true;
    out.close();
  }

  /** Bytes handed to the file so far, including what is still buffered. */
  long bytesWritten() {
    return bytesWritten + position;
  }

  /** Closes the file without writing the end marker (after a failure); idempotent. */
  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      out.close();
    }
  }

  private void writeVarint(int value) throws IOException {
    if (buffer.length - position < 5) {
      flushBuffer();
    }
    while ((value & ~0x7F) != 0) {
      buffer[position++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buffer[position++] = (byte) value;
  }

  private void writeBytes(byte[] bytes, int offset, int length) throws IOException {
    if (length <= buffer.length - position) {
      System.arraycopy(bytes, offset, buffer, position, length);
      position += length;
      return;
    }
    flushBuffer();
    if (length >= buffer.length) {
      out.write(bytes, offset, length);
      bytesWritten += length;
    } else {
      System.arraycopy(bytes, offset, buffer, 0, length);
      position = length;
    }
  }

  private void flushBuffer() throws IOException {
    if (position > 0) {
      out.write(buffer, 0, position);
      bytesWritten += position;
      position = 0;
    }
  }
}
