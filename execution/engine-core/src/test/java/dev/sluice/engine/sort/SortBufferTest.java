package dev.sluice.engine.sort;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class SortBufferTest {

  /** Regression: growing the index by 1.5x once produced an odd length and broke the pairs. */
  @Test
  void shouldHoldAndSortMillionsOfSmallEntriesInMemory() throws IOException {
    SortBuffer buffer = new SortBuffer(1L << 30);
    int n = 1_700_000;
    byte[] key = new byte[4];
    byte[] value = new byte[0];
    for (int i = 0; i < n; i++) {
      int k = (int) ((i * 2654435761L) % n); // a permutation of [0, n)
      key[0] = (byte) (k >>> 24);
      key[1] = (byte) (k >>> 16);
      key[2] = (byte) (k >>> 8);
      key[3] = (byte) k;
      assertThat(buffer.tryAdd(key, value)).isTrue();
    }
    SortedSource source = buffer.sortedSource();
    int expected = 0;
    while (source.nextGroup()) {
      byte[] k = source.keyBuffer();
      int actual = ((k[0] & 0xFF) << 24) | ((k[1] & 0xFF) << 16) | ((k[2] & 0xFF) << 8) | (k[3] & 0xFF);
      assertThat(actual).isEqualTo(expected);
      assertThat(source.nextValue()).isEmpty();
      assertThat(source.nextValue()).isNull();
      expected++;
    }
    assertThat(expected).isEqualTo(n);
  }

  @Test
  void shouldRefuseEntriesOverBudgetUnlessEmpty() {
    SortBuffer buffer = new SortBuffer(4096);
    byte[] big = new byte[10_000];
    assertThat(buffer.tryAdd(new byte[] {1}, big)).isTrue(); // empty: always accepted
    assertThat(buffer.tryAdd(new byte[] {2}, big)).isFalse();
    buffer.clear();
    int added = 0;
    while (buffer.tryAdd(new byte[] {3}, new byte[20])) {
      added++;
    }
    assertThat(added).isPositive();
    assertThat(buffer.memoryBytes()).isLessThanOrEqualTo(4096);
  }
}
