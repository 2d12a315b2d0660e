package dev.sluice.engine.sort;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteArrayComparatorTest {

  @Test
  void shouldCompareBytesAsUnsigned() {
    assertThat(ByteArrayComparator.INSTANCE.compare(new byte[] {(byte) 0xFF}, new byte[] {0x01}))
        .isPositive();
    assertThat(ByteArrayComparator.INSTANCE.compare(new byte[] {0x00}, new byte[] {(byte) 0x80}))
        .isNegative();
  }

  @Test
  void shouldSortProperPrefixFirst() {
    assertThat(ByteArrayComparator.INSTANCE.compare(new byte[] {1, 2}, new byte[] {1, 2, 0}))
        .isNegative();
    assertThat(ByteArrayComparator.INSTANCE.compare(new byte[0], new byte[] {0})).isNegative();
    assertThat(ByteArrayComparator.INSTANCE.compare(new byte[] {1, 2}, new byte[] {1, 2}))
        .isZero();
  }

  @Test
  void shouldCompareRanges() {
    byte[] a = {9, 1, 2, 3, 9};
    byte[] b = {1, 2, 3};
    assertThat(ByteArrayComparator.compare(a, 1, 4, b, 0, 3)).isZero();
    assertThat(ByteArrayComparator.compare(a, 1, 3, b, 0, 3)).isNegative();
  }
}
