package dev.sluice.runner.translation.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class EncodedKeyTest {

  @Test
  void shouldHashARangeAsTheKeyOfThatRangeHashes() {
    byte[] buffer = {9, 9, 1, 2, (byte) 0xff, 3, 9};
    EncodedKey key = new EncodedKey(Arrays.copyOfRange(buffer, 2, 6));
    assertThat(EncodedKey.hash(buffer, 2, 4)).isEqualTo(key.hashCode());
    assertThat(new EncodedKey(new byte[0]).hashCode()).isEqualTo(EncodedKey.hash(buffer, 3, 0));
  }

  @Test
  void shouldGiveShortKeyEncodingsDistinctHashes() throws Exception {
    // Varint-encoded ids, as Nexmark's bidder and auction keys: Arrays.hashCode gives these
    // 7,899 distinct values.
    Set<Integer> hashes = new HashSet<>();
    for (long id = 1000; id < 21_000; id++) {
      hashes.add(new EncodedKey(CoderUtils.encodeToByteArray(VarLongCoder.of(), id)).hashCode());
    }
    assertThat(hashes).hasSize(20_000);
  }

  @Test
  void shouldCompareByBytes() {
    EncodedKey a = new EncodedKey(new byte[] {1, 2});
    assertThat(a).isEqualTo(new EncodedKey(new byte[] {1, 2})).isNotEqualTo(new EncodedKey(new byte[] {1, 3}));
    assertThat(a.hashCode()).isEqualTo(new EncodedKey(new byte[] {1, 2}).hashCode());
  }
}
