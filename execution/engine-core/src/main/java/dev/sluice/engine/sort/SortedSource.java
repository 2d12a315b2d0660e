package dev.sluice.engine.sort;

import java.io.Closeable;
import java.io.IOException;

/**
 * A stream of groups in ascending unsigned key order, each key at most once, read in a single
 * pass. One source is either a spill file ({@link RunReader}) or the sorted in-memory buffer
 * ({@link SortBuffer#sortedSource()}); {@link MergingGroupCursor} merges several.
 */
interface SortedSource extends Closeable {

  /**
   * Moves to the next group, skipping values of the current group that were not read.
   *
   * @return false when there are no more groups
   */
  boolean nextGroup() throws IOException;

  /** The current key is {@code keyBuffer()[0, keyLength())}; the buffer is reused per group. */
  byte[] keyBuffer();

  int keyLength();

  /** The next value of the current group as a new array, or null when the group has no more. */
  byte[] nextValue() throws IOException;
}
