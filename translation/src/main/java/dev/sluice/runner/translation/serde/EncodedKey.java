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
    this.hash = hash(bytes, 0, bytes.length);
  }

  /**
   * The {@link #hashCode()} an {@code EncodedKey} of {@code bytes[offset, offset + length)} would
   * have, without copying the range: FNV-1a (32 bit) of the bytes. Not {@link
   * Arrays#hashCode(byte[])}: its {@code 31 * h + b} maps the short encodings typical of keys
   * onto few values (varint longs 1,000..21,000: 7,899 distinct hashes for 20,000 keys, up to 12
   * keys in one HashMap bucket), which made every keyed-state and timer lookup compare arrays;
   * FNV-1a gives them 20,000 distinct hashes. The hash also picks the key group (the routing of
   * HASH edges), so every producer of key hashes must call this method.
   */
  public static int hash(byte[] bytes, int offset, int length) {
    int h = 0x811c9dc5;
    for (int i = offset; i < offset + length; i++) {
      h = (h ^ (bytes[i] & 0xff)) * 0x01000193;
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
