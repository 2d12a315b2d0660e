package dev.sluice.engine.api;

import java.io.Serializable;

/**
 * A contiguous range of key groups {@code [start, end]} owned by one subtask. Key groups are
 * the unit of keyed state redistribution: {@code keyGroup = murmur(hash(key)) % maxParallelism},
 * and subtask {@code i} of {@code p} owns groups {@code [ceil(i*max/p), ceil((i+1)*max/p) - 1]}.
 */
public record KeyGroupRange(int start, int end) implements Serializable {

  public static final KeyGroupRange EMPTY = new KeyGroupRange(0, -1);

  public boolean contains(int keyGroup) {
    return keyGroup >= start && keyGroup <= end;
  }

  public int size() {
    return end - start + 1;
  }

  /** The key group of a key with the given hash code. */
  public static int assignToKeyGroup(int keyHash, int maxParallelism) {
    return Math.floorMod(murmurMix(keyHash), maxParallelism);
  }

  /** The subtask that owns a key group. */
  public static int operatorIndexForKeyGroup(int maxParallelism, int parallelism, int keyGroup) {
    return (int) ((long) keyGroup * parallelism / maxParallelism);
  }

  /** The key groups subtask {@code index} of {@code parallelism} owns. */
  public static KeyGroupRange forSubtask(int maxParallelism, int parallelism, int index) {
    int start = (int) (((long) index * maxParallelism + parallelism - 1) / parallelism);
    int end = (int) ((((long) index + 1) * maxParallelism + parallelism - 1) / parallelism) - 1;
    return new KeyGroupRange(start, end);
  }

  /** Spreads poor hash codes (e.g. small integers) over all key groups. */
  static int murmurMix(int h) {
    h *= 0xcc9e2d51;
    h = Integer.rotateLeft(h, 15);
    h *= 0x1b873593;
    h = Integer.rotateLeft(h, 13);
    h = h * 5 + 0xe6546b64;
    h ^= 4;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }
}
