package dev.sluice.engine.state.heap;

import dev.sluice.engine.state.InternalTimer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Pending timers of one time domain: a binary min-heap on timestamp in which every timer knows
 * its slot, plus a hash index, so that add, delete and de-duplication are all O(log n) (Beam
 * resets and deletes timers often; {@code java.util.PriorityQueue#remove} would be O(n)).
 *
 * <p>Mailbox thread only.
 */
final class TimerHeap<K, N> {

  /** A pending timer. Identity (equals/hashCode) is (key, namespace, timestamp). */
  static final class Timer<K, N> implements InternalTimer<K, N> {
    private final K key;
    private final N namespace;
    private final long timestamp;
    private final int keyGroup;
    /** Slot in the heap array; -1 once removed. */
    private int heapIndex = -1;

    Timer(K key, N namespace, long timestamp, int keyGroup) {
      this.key = key;
      this.namespace = namespace;
      this.timestamp = timestamp;
      this.keyGroup = keyGroup;
    }

    @Override
    public K key() {
      return key;
    }

    @Override
    public N namespace() {
      return namespace;
    }

    @Override
    public long timestamp() {
      return timestamp;
    }

    int keyGroup() {
      return keyGroup;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Timer<?, ?> other
          && timestamp == other.timestamp
          && key.equals(other.key)
          && Objects.equals(namespace, other.namespace);
    }

    @Override
    public int hashCode() {
      return (31 * key.hashCode() + Objects.hashCode(namespace)) * 31 + Long.hashCode(timestamp);
    }

    @Override
    public String toString() {
      return "Timer[key=" + key + ", namespace=" + namespace + ", timestamp=" + timestamp + "]";
    }
  }

  @SuppressWarnings("unchecked")
  private Timer<K, N>[] heap = new Timer[16];

  private int size;
  private final HashMap<Timer<K, N>, Timer<K, N>> index = new HashMap<>();

  int size() {
    return size;
  }

  /** Adds the timer unless an equal one is pending; returns whether it was added. */
  boolean add(K key, N namespace, long timestamp, int keyGroup) {
    Timer<K, N> timer = new Timer<>(key, namespace, timestamp, keyGroup);
    if (index.putIfAbsent(timer, timer) != null) {
      return false;
    }
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    heap[size] = timer;
    timer.heapIndex = size;
    size++;
    siftUp(size - 1);
    return true;
  }

  /** Removes the pending timer equal to (key, namespace, timestamp); returns whether there was one. */
  boolean remove(K key, N namespace, long timestamp) {
    Timer<K, N> timer = index.remove(new Timer<>(key, namespace, timestamp, -1));
    if (timer == null) {
      return false;
    }
    removeAt(timer.heapIndex);
    return true;
  }

  /** The timer with the smallest timestamp, or null. */
  Timer<K, N> peek() {
    return size == 0 ? null : heap[0];
  }

  /** Removes and returns the timer with the smallest timestamp, or null. */
  Timer<K, N> poll() {
    if (size == 0) {
      return null;
    }
    Timer<K, N> head = heap[0];
    index.remove(head);
    removeAt(0);
    return head;
  }

  /** Visits all pending timers in no particular order. The heap must not change meanwhile. */
  void forEach(Consumer<Timer<K, N>> action) {
    for (int i = 0; i < size; i++) {
      action.accept(heap[i]);
    }
  }

  private void removeAt(int slot) {
    Timer<K, N> removed = heap[slot];
    removed.heapIndex = -1;
    size--;
    Timer<K, N> last = heap[size];
    heap[size] = null;
    if (slot != size) {
      heap[slot] = last;
      last.heapIndex = slot;
      siftDown(slot);
      if (heap[slot] == last) {
        siftUp(slot);
      }
    }
  }

  private void siftUp(int slot) {
    Timer<K, N> timer = heap[slot];
    while (slot > 0) {
      int parent = (slot - 1) >>> 1;
      if (heap[parent].timestamp <= timer.timestamp) {
        break;
      }
      heap[slot] = heap[parent];
      heap[slot].heapIndex = slot;
      slot = parent;
    }
    heap[slot] = timer;
    timer.heapIndex = slot;
  }

  private void siftDown(int slot) {
    Timer<K, N> timer = heap[slot];
    int half = size >>> 1;
    while (slot < half) {
      int child = 2 * slot + 1;
      int right = child + 1;
      if (right < size && heap[right].timestamp < heap[child].timestamp) {
        child = right;
      }
      if (timer.timestamp <= heap[child].timestamp) {
        break;
      }
      heap[slot] = heap[child];
      heap[slot].heapIndex = slot;
      slot = child;
    }
    heap[slot] = timer;
    timer.heapIndex = slot;
  }
}
