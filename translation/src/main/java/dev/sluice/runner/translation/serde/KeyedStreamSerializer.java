package dev.sluice.runner.translation.serde;

import dev.sluice.engine.serde.KeyHashingSerializer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;

/**
 * The exchange in front of a streaming GroupByKey or Combine.perKey: writes a
 * {@code WindowedValue<KV<K, V>>} as its key, encoded as {@link KvKeySelector} encodes it (outer
 * context: the bytes of the {@link EncodedKey} that keys the consumer's state), and its
 * {@code WindowedValue<V>}; reads them back as a {@link KeyedElement}. The key is encoded once on
 * the producer (its hash routes the record, see {@link KeyHashingSerializer}, and equals the
 * selector's {@code EncodedKey.hashCode()}) and decoded once on the consumer, which keeps the bytes.
 *
 * <p>Asymmetric on purpose: {@code serialize} takes {@code WindowedValue<KV<K, V>>},
 * {@code deserialize} returns {@link KeyedElement}; use it only on edges whose consumer expects that.
 *
 * <p>Wire format: {@code varint keyLength, key, windowedValue} (the windowed value nested).
 */
public final class KeyedStreamSerializer<K, V> extends KeyPrefixedSerializer<K, V> {

  public KeyedStreamSerializer(Coder<K> keyCoder, Coder<WindowedValue<V>> windowedValueCoder) {
    super(keyCoder, windowedValueCoder);
  }

  @Override
  @SuppressWarnings({"unchecked", "deprecation"})
  public int serializeAndHashKey(Object value, OutputStream out) throws IOException {
    WindowedValue<KV<K, V>> wv = (WindowedValue<KV<K, V>>) value;
    KV<K, V> kv = wv.getValue();
    Scratch buffer = scratch();
    // Outer context, as CoderUtils.encodeToByteArray in KvKeySelector: the same bytes, same hash.
    keyCoder.encode(kv.getKey(), buffer, Coder.Context.OUTER);
    int keyHash = buffer.hash();
    buffer.writeTo(out);
    windowedValueCoder.encode(wv.withValue(kv.getValue()), out);
    return keyHash;
  }

  @Override
  public Object deserialize(InputStream in) throws IOException {
    byte[] keyBytes = readBytes(in);
    K key = CoderUtils.decodeFromByteArray(keyCoder, keyBytes);
    WindowedValue<V> value = windowedValueCoder.decode(in);
    return new KeyedElement(new EncodedKey(keyBytes), key, value);
  }
}
