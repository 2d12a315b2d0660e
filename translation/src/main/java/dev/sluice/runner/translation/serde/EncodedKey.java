package dev.sluice.runner.translation.serde;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A key as its encoded bytes. Beam requires key coders to be deterministic, so equal keys have
 * equal encodings; hashing and comparing the bytes makes partitioning and grouping independent
 * of the key class's own {@code equals}/{@code hashCode} (which may be identity-based).
 */
public final class EncodedKey implements Serializable, Comparable<EncodedKey> {

  private final byte[] bytes;
  private final int hash;

  public EncodedKey(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  /**
   * The {@link #hashCode()} an {@code EncodedKey} of {@code bytes[offset, offset + length)} would
   * have ({@link Arrays#hashCode(byte[])} of that range), without copying the range.
   */
  public static int hash(byte[] bytes, int offset, int length) {
    int h = 1;
    for (int i = offset; i < offset + length; i++) {
      h = 31 * h + bytes[i];
    }
    return h;
  }

  public byte[] bytes() {
    return bytes;
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object o) {
    return this == o || (o instanceof EncodedKey other && hash == other.hash && Arrays.equals(bytes, other.bytes));
  }

  @Override
  public int compareTo(EncodedKey o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return "EncodedKey(" + bytes.length + " bytes)";
  }
}
