package dev.sluice.runner.translation.serde;

import dev.sluice.engine.serde.KeyHashingSerializer;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;

/**
 * The exchange in front of a batch GroupByKey: writes a {@code WindowedValue<KV<K, V>>} as its
 * key and its {@code WindowedValue<V>}, each encoded (nested context) and length-prefixed, and
 * reads them back as {@link KeyedBytes} without decoding either: the grouper sorts and stores
 * exactly those bytes. (Decoding the whole element at the consumer only to encode key and value
 * again for the grouper cost about a third of a grouping task's time.)
 *
 * <p>Asymmetric on purpose: {@code serialize} takes {@code WindowedValue<KV<K, V>>},
 * {@code deserialize} returns {@link KeyedBytes}; use it only on edges whose consumer expects that.
 *
 * <p>Wire format: {@code varint keyLength, key, varint valueLength, windowedValue}.
 *
 * <p>Routing: the exchange routes by the hash of these (nested-context) key bytes, which the
 * serializer reports ({@link KeyHashingSerializer}), instead of asking the edge's
 * {@code KvKeySelector} to encode the key a second time. That differs from the selector's hash
 * for some coders but is as deterministic, and every edge into a batch GroupByKey uses this
 * serializer, so equal keys still meet in one subtask (the batch operator keeps no keyed state).
 */
public final class KeyedWindowedValueSerializer<K, V> implements KeyHashingSerializer<Object> {

  private final Coder<K> keyCoder;
  private final Coder<WindowedValue<V>> windowedValueCoder;
  /** Encoding scratch per thread: one instance may serve several producer tasks in a JVM. */
  private transient ThreadLocal<Scratch> scratch;

  public KeyedWindowedValueSerializer(Coder<K> keyCoder, Coder<WindowedValue<V>> windowedValueCoder) {
    this.keyCoder = keyCoder;
    this.windowedValueCoder = windowedValueCoder;
  }

  @Override
  public void serialize(Object value, OutputStream out) throws IOException {
    serializeAndHashKey(value, out);
  }

  @Override
  @SuppressWarnings("unchecked")
  public int serializeAndHashKey(Object value, OutputStream out) throws IOException {
    WindowedValue<KV<K, V>> wv = (WindowedValue<KV<K, V>>) value;
    KV<K, V> kv = wv.getValue();
    Scratch buffer = scratch();
    buffer.reset();
    keyCoder.encode(kv.getKey(), buffer);
    int keyHash = buffer.hash();
    buffer.writeTo(out);
    buffer.reset();
    windowedValueCoder.encode(wv.withValue(kv.getValue()), buffer);
    buffer.writeTo(out);
    return keyHash;
  }

  @Override
  public Object deserialize(InputStream in) throws IOException {
    byte[] key = readBytes(in);
    byte[] windowedValue = readBytes(in);
    return new KeyedBytes(key, windowedValue);
  }

  private Scratch scratch() {
    if (scratch == null) {
      scratch = ThreadLocal.withInitial(Scratch::new);
    }
    return scratch.get();
  }

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
    return "KeyedWindowedValueSerializer(" + keyCoder + ", " + windowedValueCoder + ")";
  }
}
