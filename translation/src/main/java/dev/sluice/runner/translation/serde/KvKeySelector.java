package dev.sluice.runner.translation.serde;

import dev.sluice.engine.api.KeySelector;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;

/** Keys a {@code WindowedValue<KV<K, V>>} by the encoded bytes of K. */
public final class KvKeySelector<K> implements KeySelector {

  private final Coder<K> keyCoder;

  public KvKeySelector(Coder<K> keyCoder) {
    this.keyCoder = keyCoder;
  }

  @Override
  @SuppressWarnings("unchecked")
  public Object getKey(Object value) throws Exception {
    KV<K, ?> kv = ((WindowedValue<KV<K, ?>>) value).getValue();
    return new EncodedKey(CoderUtils.encodeToByteArray(keyCoder, kv.getKey()));
  }
}
