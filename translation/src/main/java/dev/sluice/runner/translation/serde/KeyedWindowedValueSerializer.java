package dev.sluice.runner.translation.serde;

import dev.sluice.engine.serde.KeyHashingSerializer;
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
public final class KeyedWindowedValueSerializer<K, V> extends KeyPrefixedSerializer<K, V> {

  public KeyedWindowedValueSerializer(Coder<K> keyCoder, Coder<WindowedValue<V>> windowedValueCoder) {
    super(keyCoder, windowedValueCoder);
  }

  @Override
  @SuppressWarnings("unchecked")
  public int serializeAndHashKey(Object value, OutputStream out) throws IOException {
    WindowedValue<KV<K, V>> wv = (WindowedValue<KV<K, V>>) value;
    KV<K, V> kv = wv.getValue();
    Scratch buffer = scratch();
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
}
