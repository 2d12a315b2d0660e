package dev.sluice.engine.sort;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * K-way merge of sorted sources into one stream of groups: a priority queue orders the sources
 * by their current key; all sources positioned on the smallest key form the current group, whose
 * values are streamed source after source. Not thread-safe.
 */
final class MergingGroupCursor implements SpillingGrouper.GroupCursor {

  private final PriorityQueue<SortedSource> queue;
  /** Sources positioned on the current key; their values are read in list order. */
  private final List<SortedSource> current = new ArrayList<>();
  private final List<SortedSource> all;
  private byte[] currentKey;
  /** Bumped by every {@link #next()}, so that a stale values iterator fails loudly. */
  private long generation;
  private boolean valuesTaken;
  private boolean closed;

  MergingGroupCursor(List<SortedSource> sources) throws IOException {
    this.all = new ArrayList<>(sources);
    this.queue =
        new PriorityQueue<>(
            Math.max(1, sources.size()),
            (a, b) ->
                ByteArrayComparator.compare(
                    a.keyBuffer(), 0, a.keyLength(), b.keyBuffer(), 0, b.keyLength()));
    for (SortedSource source : sources) {
      if (source.nextGroup()) {
        queue.add(source);
      }
    }
  }

  @Override
  public boolean next() throws IOException {
    checkOpen();
    generation++;
    for (SortedSource source : current) {
      if (source.nextGroup()) {
        queue.add(source);
      }
    }
    current.clear();
    valuesTaken = false;
    SortedSource first = queue.poll();
    if (first == null) {
      currentKey = null;
      return false;
    }
    current.add(first);
    while (!queue.isEmpty() && queue.comparator().compare(queue.peek(), first) == 0) {
      current.add(queue.poll());
    }
    currentKey = Arrays.copyOf(first.keyBuffer(), first.keyLength());
    return true;
  }

  /** The current key; a new array owned by the caller. */
  @Override
  public byte[] key() {
    checkPositioned();
    return currentKey;
  }

  @Override
  public Iterator<byte[]> values() {
    checkPositioned();
    if (valuesTaken) {
      throw new IllegalStateException(
          "values() was already called for this key: the values are a single pass stream");
    }
    valuesTaken = true;
    return new ValueIterator(generation);
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    IOException failure = null;
    for (SortedSource source : all) {
      try {
        source.close();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("The group cursor is closed");
    }
  }

  private void checkPositioned() {
    checkOpen();
    if (currentKey == null) {
      throw new IllegalStateException(
          "The group cursor is not on a group: call next() first and only while it returns true");
    }
  }

  /** Streams the values of the current group; one value of lookahead for {@code hasNext}. */
  private final class ValueIterator implements Iterator<byte[]> {
    private final long expectedGeneration;
    private int sourceIndex;
    private byte[] lookahead;

    ValueIterator(long expectedGeneration) {
      this.expectedGeneration = expectedGeneration;
    }

    @Override
    public boolean hasNext() {
      if (lookahead != null) {
        return true;
      }
      if (generation != expectedGeneration || closed) {
        throw new IllegalStateException(
            "The values iterator is used after the cursor moved on or was closed");
      }
      try {
        while (sourceIndex < current.size()) {
          byte[] value = current.get(sourceIndex).nextValue();
          if (value != null) {
            lookahead = value;
            return true;
          }
          sourceIndex++;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Reading grouped values from a spill file failed", e);
      }
      return false;
    }

    @Override
    public byte[] next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      byte[] value = lookahead;
      lookahead = null;
      return value;
    }
  }
}
