package dev.sluice.runner.translation.serde;

import dev.sluice.engine.serde.KeyHashingSerializer;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.util.WindowedValue;

/**
 * What the exchanges in front of a GroupByKey share: a {@code WindowedValue<KV<K, V>>} goes out as
 * its encoded key, length-prefixed, followed by its {@code WindowedValue<V>}; the key is encoded
 * once, into a per-thread scratch buffer, and its hash routes the record
 * ({@link KeyHashingSerializer}). Subclasses decide the key's coder context, how the value is
 * framed and what the consumer reads back.
 */
abstract class KeyPrefixedSerializer<K, V> implements KeyHashingSerializer<Object> {

  protected final Coder<K> keyCoder;
  protected final Coder<WindowedValue<V>> windowedValueCoder;
  /** Encoding scratch per thread: one instance may serve several producer tasks in a JVM. */
  private transient ThreadLocal<Scratch> scratch;

  KeyPrefixedSerializer(Coder<K> keyCoder, Coder<WindowedValue<V>> windowedValueCoder) {
    this.keyCoder = keyCoder;
    this.windowedValueCoder = windowedValueCoder;
  }

  @Override
  public final void serialize(Object value, OutputStream out) throws IOException {
    serializeAndHashKey(value, out);
  }

  /** This thread's scratch buffer, emptied. */
  protected final Scratch scratch() {
    if (scratch == null) {
      scratch = ThreadLocal.withInitial(Scratch::new);
    }
    Scratch buffer = scratch.get();
    buffer.reset();
    return buffer;
  }

  /** Reads one length-prefixed byte array, as {@link Scratch#writeTo} wrote it. */
  static byte[] readBytes(InputStream in) throws IOException {
    int length = readVarInt(in);
    byte[] bytes = new byte[length];
    int read = 0;
    while (read < length) {
      int n = in.read(bytes, read, length - read);
      if (n < 0) {
        throw new EOFException("Truncated keyed element: expected " + length + " bytes, got " + read);
      }
      read += n;
    }
    return bytes;
  }

  private static int readVarInt(InputStream in) throws IOException {
    int result = 0;
    for (int shift = 0; shift < 32; shift += 7) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("Truncated keyed element length");
      }
      result |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new IOException("Corrupt keyed element length");
  }

  /** A byte buffer that writes itself length-prefixed, without copying. */
  static final class Scratch extends ByteArrayOutputStream {
    Scratch() {
      super(256);
    }

    int hash() {
      return EncodedKey.hash(buf, 0, count);
    }

    @Override
    public synchronized void writeTo(OutputStream out) throws IOException {
      int length = count;
      while ((length & ~0x7F) != 0) {
        out.write((length & 0x7F) | 0x80);
        length >>>= 7;
      }
      out.write(length);
      out.write(buf, 0, count);
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + keyCoder + ", " + windowedValueCoder + ")";
  }
}
