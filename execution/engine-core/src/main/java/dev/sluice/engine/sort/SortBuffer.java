package dev.sluice.engine.sort;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * The in-memory part of {@link SpillingGrouper}: (key, value) pairs copied into large byte
 * pages, plus an index that is sorted instead of the data.
 *
 * <p>Each entry is stored as {@code int keyLength, int valueLength, key, value} in a page. The
 * index holds two longs per entry: the first 8 key bytes as a big-endian unsigned number (the
 * "prefix") and a pointer {@code pageNumber:24 | offset:24 | min(keyLength, 0xFFFF):16}. Equal
 * prefixes with at least one key of at most 8 bytes are decided by the key lengths alone (the
 * shorter key is then a prefix of the other), so sorting short keys never touches the pages;
 * longer keys are compared in the pages from byte 8 on. Garbage-free by design: adding a pair allocates nothing but
 * an occasional page or index growth, and pages are reused after a spill.
 *
 * <p>Memory counted against the budget: the length of every page held (used or free) plus the
 * index array's capacity. {@link #tryAdd} refuses a pair that would exceed the budget unless the
 * buffer is empty, so the buffer never holds more than the budget except for a single pair that
 * alone is larger than it.
 *
 * <p>Not thread-safe; owned by one {@link SpillingGrouper}.
 */
final class SortBuffer {

  private static final int HEADER_BYTES = 8;
  private static final int PREFIX_BYTES = 8;
  private static final int MAX_PAGES = 1 << 24;
  private static final int LENGTH_BITS = 16;
  private static final int LENGTH_MASK = (1 << LENGTH_BITS) - 1;
  private static final int OFFSET_MASK = (1 << 24) - 1;
  private static final int INSERTION_SORT_THRESHOLD = 16;

  private final long budgetBytes;
  private final int pageSize;
  /** Pages holding this round's entries; a pointer's page number indexes this list. */
  private final ArrayList<byte[]> pages = new ArrayList<>();
  /** Standard-size pages from earlier rounds, ready for reuse. */
  private final ArrayDeque<byte[]> freePages = new ArrayDeque<>();
  /** Page number of the standard page being filled, or -1. */
  private int currentPage = -1;
  private int pageOffset;
  private long pageBytesHeld;
  /** Entry i: index[2i] = key prefix, index[2i+1] = pointer. */
  private long[] index;
  private int count;
  private boolean sorted;

  SortBuffer(long budgetBytes) {
    this.budgetBytes = budgetBytes;
    this.pageSize = (int) Math.max(256, Math.min(1 << 20, budgetBytes / 8));
    this.index = new long[2 * (int) Math.max(16, Math.min(4096, budgetBytes / 256))];
  }

  int size() {
    return count;
  }

  boolean isEmpty() {
    return count == 0;
  }

  /** Bytes of memory held: pages (used or free) and index capacity. */
  long memoryBytes() {
    return pageBytesHeld + 8L * index.length;
  }

  /**
   * Copies the pair into the buffer.
   *
   * @return false, storing nothing, if the pair does not fit the budget and the buffer is not
   *     empty (the caller spills and retries); an empty buffer always accepts
   */
  boolean tryAdd(byte[] key, byte[] value) {
    long entryBytes = (long) HEADER_BYTES + key.length + value.length;
    if (entryBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "A single (key, value) pair of " + entryBytes + " bytes is too large to group");
    }
    if (2 * count == index.length && !growIndex()) {
      return false;
    }
    if (pages.size() >= MAX_PAGES - 1 && count > 0) {
      return false; // the pointer has 24 bits for the page number
    }
    int size = (int) entryBytes;
    int pageNumber;
    int offset;
    if (size > pageSize) {
      if (count > 0 && memoryBytes() + size > budgetBytes) {
        return false;
      }
      pages.add(new byte[size]);
      pageBytesHeld += size;
      pageNumber = pages.size() - 1;
      offset = 0;
    } else {
      if (currentPage < 0 || pageOffset + size > pageSize) {
        byte[] page = freePages.poll();
        if (page == null) {
          if (count > 0 && memoryBytes() + pageSize > budgetBytes) {
            return false;
          }
          page = new byte[pageSize];
          pageBytesHeld += pageSize;
        }
        pages.add(page);
        currentPage = pages.size() - 1;
        pageOffset = 0;
      }
      pageNumber = currentPage;
      offset = pageOffset;
      pageOffset += size;
    }
    byte[] page = pages.get(pageNumber);
    putInt(page, offset, key.length);
    putInt(page, offset + 4, value.length);
    System.arraycopy(key, 0, page, offset + HEADER_BYTES, key.length);
    System.arraycopy(value, 0, page, offset + HEADER_BYTES + key.length, value.length);
    index[2 * count] = prefix(key);
    index[2 * count + 1] = pointer(pageNumber, offset, key.length);
    count++;
    sorted = false;
    return true;
  }

  private boolean growIndex() {
    // Grow by whole (prefix, pointer) pairs: the length must stay even.
    int pairs = index.length / 2;
    long newPairs = Math.max(16, pairs + (pairs >> 1));
    if (2 * newPairs > Integer.MAX_VALUE - 8) {
      return false; // an index this large cannot grow: spill instead
    }
    int newLength = (int) (2 * newPairs);
    if (count > 0 && memoryBytes() + 8L * (newLength - index.length) > budgetBytes) {
      return false;
    }
    index = Arrays.copyOf(index, newLength);
    return true;
  }

  /** Forgets all entries and keeps standard-size pages for reuse; oversized pages are dropped. */
  void clear() {
    for (byte[] page : pages) {
      if (page.length == pageSize) {
        freePages.add(page);
      } else {
        pageBytesHeld -= page.length;
      }
    }
    pages.clear();
    currentPage = -1;
    pageOffset = 0;
    count = 0;
  }

  /** Drops all memory; the buffer must not be used afterwards. */
  void release() {
    clear();
    freePages.clear();
    pageBytesHeld = 0;
    index = new long[0];
  }

  /** Writes the entries to {@code writer} sorted and grouped by key, then finishes the run. */
  void writeSortedRun(RunWriter writer) throws IOException {
    sort();
    long groupPointer = -1;
    long groupPrefix = 0;
    for (int i = 0; i < count; i++) {
      long prefix = index[2 * i];
      long pointer = index[2 * i + 1];
      byte[] page = pageOf(pointer);
      int offset = offsetOf(pointer);
      int keyLength = getInt(page, offset);
      int valueLength = getInt(page, offset + 4);
      if (groupPointer < 0 || compare(groupPrefix, groupPointer, prefix, pointer) != 0) {
        if (groupPointer >= 0) {
          writer.endGroup();
        }
        writer.startGroup(page, offset + HEADER_BYTES, keyLength);
        groupPointer = pointer;
        groupPrefix = prefix;
      }
      writer.writeValue(page, offset + HEADER_BYTES + keyLength, valueLength);
    }
    if (groupPointer >= 0) {
      writer.endGroup();
    }
    writer.finish();
  }

  /** Sorts the entries and returns them as a source of groups. The buffer must not change. */
  SortedSource sortedSource() {
    sort();
    return new Source();
  }

  // ---- sorting: 3-way quicksort on the (prefix, pointer) pairs -----------------------------
  // Three-way partitioning keeps a single huge group (all keys equal) linear instead of
  // quadratic; the smaller side is recursed into so the stack stays O(log n).

  void sort() {
    if (!sorted) {
      quicksort(0, count);
      sorted = true;
    }
  }

  private void quicksort(int from, int to) {
    while (to - from > INSERTION_SORT_THRESHOLD) {
      int mid = (from + to) >>> 1;
      int pivot = medianOfThree(from, mid, to - 1);
      long pivotPrefix = index[2 * pivot];
      long pivotPointer = index[2 * pivot + 1];
      int lt = from;
      int i = from;
      int gt = to - 1;
      while (i <= gt) {
        int c = compare(index[2 * i], index[2 * i + 1], pivotPrefix, pivotPointer);
        if (c < 0) {
          swap(lt++, i++);
        } else if (c > 0) {
          swap(i, gt--);
        } else {
          i++;
        }
      }
      // [from, lt) < pivot, [lt, gt] == pivot, (gt, to) > pivot
      if (lt - from < to - gt - 1) {
        quicksort(from, lt);
        from = gt + 1;
      } else {
        quicksort(gt + 1, to);
        to = lt;
      }
    }
    insertionSort(from, to);
  }

  private int medianOfThree(int a, int b, int c) {
    if (compareEntries(a, b) < 0) {
      if (compareEntries(b, c) < 0) {
        return b;
      }
      return compareEntries(a, c) < 0 ? c : a;
    }
    if (compareEntries(a, c) < 0) {
      return a;
    }
    return compareEntries(b, c) < 0 ? c : b;
  }

  private void insertionSort(int from, int to) {
    for (int i = from + 1; i < to; i++) {
      long prefix = index[2 * i];
      long pointer = index[2 * i + 1];
      int j = i - 1;
      while (j >= from && compare(index[2 * j], index[2 * j + 1], prefix, pointer) > 0) {
        index[2 * j + 2] = index[2 * j];
        index[2 * j + 3] = index[2 * j + 1];
        j--;
      }
      index[2 * j + 2] = prefix;
      index[2 * j + 3] = pointer;
    }
  }

  private void swap(int a, int b) {
    long prefix = index[2 * a];
    long pointer = index[2 * a + 1];
    index[2 * a] = index[2 * b];
    index[2 * a + 1] = index[2 * b + 1];
    index[2 * b] = prefix;
    index[2 * b + 1] = pointer;
  }

  private int compareEntries(int a, int b) {
    return compare(index[2 * a], index[2 * a + 1], index[2 * b], index[2 * b + 1]);
  }

  private int compare(long prefixA, long pointerA, long prefixB, long pointerB) {
    int c = Long.compareUnsigned(prefixA, prefixB);
    if (c != 0 || pointerA == pointerB) {
      return c;
    }
    int shortLengthA = (int) pointerA & LENGTH_MASK;
    int shortLengthB = (int) pointerB & LENGTH_MASK;
    if (shortLengthA <= PREFIX_BYTES || shortLengthB <= PREFIX_BYTES) {
      // Equal zero-padded prefixes: the shorter key is a prefix of the longer one.
      return Integer.compare(shortLengthA, shortLengthB);
    }
    byte[] pageA = pageOf(pointerA);
    int offsetA = offsetOf(pointerA);
    byte[] pageB = pageOf(pointerB);
    int offsetB = offsetOf(pointerB);
    int keyA = offsetA + HEADER_BYTES;
    int keyB = offsetB + HEADER_BYTES;
    return ByteArrayComparator.compare(
        pageA, keyA + PREFIX_BYTES, keyA + getInt(pageA, offsetA),
        pageB, keyB + PREFIX_BYTES, keyB + getInt(pageB, offsetB));
  }

  private static long pointer(int pageNumber, int offset, int keyLength) {
    return ((long) pageNumber << 40)
        | ((long) offset << LENGTH_BITS)
        | Math.min(keyLength, LENGTH_MASK);
  }

  private byte[] pageOf(long pointer) {
    return pages.get((int) (pointer >>> 40));
  }

  private static int offsetOf(long pointer) {
    return (int) (pointer >>> LENGTH_BITS) & OFFSET_MASK;
  }

  /** The first 8 key bytes, big-endian, zero-padded: unsigned order of prefixes agrees with key order. */
  private static long prefix(byte[] key) {
    long prefix = 0;
    int n = Math.min(8, key.length);
    for (int i = 0; i < n; i++) {
      prefix |= (key[i] & 0xFFL) << (56 - 8 * i);
    }
    return prefix;
  }

  private static void putInt(byte[] page, int offset, int value) {
    page[offset] = (byte) (value >>> 24);
    page[offset + 1] = (byte) (value >>> 16);
    page[offset + 2] = (byte) (value >>> 8);
    page[offset + 3] = (byte) value;
  }

  private static int getInt(byte[] page, int offset) {
    return ((page[offset] & 0xFF) << 24)
        | ((page[offset + 1] & 0xFF) << 16)
        | ((page[offset + 2] & 0xFF) << 8)
        | (page[offset + 3] & 0xFF);
  }

  /** Groups of the sorted buffer: consecutive index entries with equal keys. */
  private final class Source implements SortedSource {
    /** Next index entry to read. */
    private int position;
    /** Index entry that started the current group, or -1 before the first group. */
    private int groupStart = -1;
    private byte[] key = new byte[64];
    private int keyLength;

    @Override
    public boolean nextGroup() {
      if (groupStart >= 0) {
        while (position < count && sameKeyAsGroup(position)) {
          position++;
        }
      }
      if (position >= count) {
        groupStart = count;
        return false;
      }
      groupStart = position;
      long pointer = index[2 * position + 1];
      byte[] page = pageOf(pointer);
      int offset = offsetOf(pointer);
      keyLength = getInt(page, offset);
      if (key.length < keyLength) {
        key = new byte[Math.max(keyLength, key.length * 2)];
      }
      System.arraycopy(page, offset + HEADER_BYTES, key, 0, keyLength);
      return true;
    }

    @Override
    public byte[] keyBuffer() {
      return key;
    }

    @Override
    public int keyLength() {
      return keyLength;
    }

    @Override
    public byte[] nextValue() {
      if (groupStart < 0 || position >= count || !sameKeyAsGroup(position)) {
        return null;
      }
      long pointer = index[2 * position + 1];
      position++;
      byte[] page = pageOf(pointer);
      int offset = offsetOf(pointer);
      int keyLen = getInt(page, offset);
      int valueStart = offset + HEADER_BYTES + keyLen;
      return Arrays.copyOfRange(page, valueStart, valueStart + getInt(page, offset + 4));
    }

    private boolean sameKeyAsGroup(int entry) {
      return entry == groupStart
          || compare(index[2 * entry], index[2 * entry + 1],
                  index[2 * groupStart], index[2 * groupStart + 1]) == 0;
    }

    @Override
    public void close() {}
  }
}
