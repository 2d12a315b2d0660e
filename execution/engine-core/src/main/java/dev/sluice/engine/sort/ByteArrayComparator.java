package dev.sluice.engine.sort;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Lexicographic order of byte arrays with bytes compared as unsigned values; a proper prefix
 * sorts before the longer array. This is the order of encoded keys everywhere in the engine
 * (spill files, sorted grouping), so it must never depend on the platform's signed bytes.
 */
public final class ByteArrayComparator implements Comparator<byte[]>, Serializable {

  public static final ByteArrayComparator INSTANCE = new ByteArrayComparator();

  private static final long serialVersionUID = 1L;

  private ByteArrayComparator() {}

  @Override
  public int compare(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b);
  }

  /** Compares {@code a[aFrom, aTo)} with {@code b[bFrom, bTo)}, bytes as unsigned values. */
  public static int compare(byte[] a, int aFrom, int aTo, byte[] b, int bFrom, int bTo) {
    return Arrays.compareUnsigned(a, aFrom, aTo, b, bFrom, bTo);
  }

  private Object readResolve() {
    return INSTANCE;
  }
}
