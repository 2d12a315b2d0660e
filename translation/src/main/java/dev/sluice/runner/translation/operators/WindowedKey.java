package dev.sluice.runner.translation.operators;

import dev.sluice.runner.translation.serde.EncodedKey;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;

/**
 * A key in one window: the unit of combining. {@code key} is the key's structural value: the key
 * itself when its coder is consistent with equals, else its encoding ({@link EncodedKey}). Windows
 * must implement equals/hashCode (Beam requires it).
 */
record WindowedKey(Object key, BoundedWindow window) {

  /** The structural value of {@code key}: itself if {@code consistentWithEquals}, else its encoding. */
  static <K> Object structural(Coder<K> keyCoder, boolean consistentWithEquals, K key) throws CoderException {
    return consistentWithEquals ? key : new EncodedKey(CoderUtils.encodeToByteArray(keyCoder, key));
  }
}
