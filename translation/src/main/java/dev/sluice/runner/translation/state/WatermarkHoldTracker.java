package dev.sluice.runner.translation.state;

import java.util.Arrays;

/**
 * The watermark holds of all keys and windows of one operator, as a multiset of timestamps, so
 * the earliest hold is known without iterating keys at each watermark. {@link SluiceStateInternals}
 * reports every change of a {@code WatermarkHoldState} here (old hold removed, new hold added).
 *
 * <p>Holds change several times per element (windows merge, timers are reset) while the
 * earliest one is asked for once per watermark, so the two are kept apart: a hash table of
 * primitive counts per timestamp (no boxing) takes adds and removes in O(1), and a min-heap of
 * timestamps answers {@link #earliest()}. The heap is pruned lazily: a timestamp whose count fell
 * to zero stays in it until it reaches the top; when stale entries outnumber the live ones the
 * heap is rebuilt from the table, so its size stays within a constant factor of the live holds.
 *
 * <p>In memory only: it is not part of a state snapshot. After a restore it would have to be
 * rebuilt from the restored holds (no streaming operator is restored yet; see translation's
 * README, section Streaming). Mailbox thread only.
 */
public final class WatermarkHoldTracker {

  /** Open addressing, linear probing; a slot is free when its count is 0. Capacity: power of 2. */
  private long[] keys = new long[16];
  private int[] counts = new int[16];
  /** Distinct timestamps with a count above 0. */
  private int distinct;
  /** Holds in all, counting duplicates. */
  private int total;
  /** Min-heap of timestamps; may hold timestamps whose count is 0 and duplicates. */
  private long[] heap = new long[16];
  private int heapSize;

  void add(long timestamp) {
    int slot = find(timestamp);
    if (counts[slot] == 0) {
      keys[slot] = timestamp;
      counts[slot] = 1;
      distinct++;
      push(timestamp);
      if (distinct * 2 > keys.length) {
        resize(keys.length * 2);
      }
    } else {
      counts[slot]++;
    }
    total++;
  }

  void remove(long timestamp) {
    int slot = find(timestamp);
    if (counts[slot] == 0) {
      throw new IllegalStateException("No watermark hold at " + timestamp + " to remove");
    }
    total--;
    if (--counts[slot] == 0) {
      distinct--;
      deleteSlot(slot);
      if (heapSize > 2 * distinct + 64) {
        rebuildHeap();
      }
    }
  }

  /** The earliest hold in millis, or {@code Long.MAX_VALUE} if there is none. */
  public long earliest() {
    while (heapSize > 0 && counts[find(heap[0])] == 0) {
      pop();
    }
    return heapSize == 0 ? Long.MAX_VALUE : heap[0];
  }

  /** Number of holds, over all keys and namespaces. */
  public int size() {
    return total;
  }

  /** The slot holding {@code timestamp}, or the free slot where it would go. */
  private int find(long timestamp) {
    int mask = keys.length - 1;
    int slot = hash(timestamp) & mask;
    while (counts[slot] != 0 && keys[slot] != timestamp) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private static int hash(long timestamp) {
    long h = timestamp * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }

  /** Frees a slot and moves later entries of its probe run back so that lookups still find them. */
  private void deleteSlot(int slot) {
    int mask = keys.length - 1;
    int free = slot;
    int next = (slot + 1) & mask;
    while (counts[next] != 0) {
      int home = hash(keys[next]) & mask;
      // Move the entry at 'next' into 'free' unless its home lies cyclically in (free, next].
      boolean stays = free <= next ? (free < home && home <= next) : (free < home || home <= next);
      if (!stays) {
        keys[free] = keys[next];
        counts[free] = counts[next];
        counts[next] = 0;
        free = next;
      }
      next = (next + 1) & mask;
    }
    counts[free] = 0;
  }

  private void resize(int capacity) {
    long[] oldKeys = keys;
    int[] oldCounts = counts;
    keys = new long[capacity];
    counts = new int[capacity];
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldCounts[i] != 0) {
        int slot = find(oldKeys[i]);
        keys[slot] = oldKeys[i];
        counts[slot] = oldCounts[i];
      }
    }
  }

  private void rebuildHeap() {
    heapSize = 0;
    for (int i = 0; i < keys.length; i++) {
      if (counts[i] != 0) {
        push(keys[i]);
      }
    }
  }

  private void push(long timestamp) {
    if (heapSize == heap.length) {
      heap = Arrays.copyOf(heap, heapSize * 2);
    }
    int i = heapSize++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (heap[parent] <= timestamp) {
        break;
      }
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = timestamp;
  }

  private void pop() {
    long last = heap[--heapSize];
    int i = 0;
    int half = heapSize >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      if (child + 1 < heapSize && heap[child + 1] < heap[child]) {
        child++;
      }
      if (last <= heap[child]) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    if (heapSize > 0) {
      heap[i] = last;
    }
  }
}
