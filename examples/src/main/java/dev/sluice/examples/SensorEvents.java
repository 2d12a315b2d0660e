package dev.sluice.examples;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.TreeMap;

/**
 * The script of sensor readings that {@link SensorSource} plays: which reading comes next and
 * when the watermark advances. A pure function of its parameters, so a test can replay exactly
 * what the source emitted.
 *
 * <p>Reading {@code i} is taken at event time {@code i * intervalMillis} (from the epoch) by one of
 * {@code sensors} sensors with a value in [0, 100), both drawn from {@code seed}. Readings come in
 * blocks of {@code blockSize}, shuffled within their block (out of order, within a bound). After
 * each block the watermark advances to the event time of the next block's first reading: every
 * reading before it has arrived, except one reading of every {@code lateEvery}-th block, which
 * is held back and arrives {@code lateByBlocks} blocks later, behind the watermark: late data.
 * At the end, the held-back readings arrive and the watermark goes to the end of time.
 *
 * @param events number of readings; {@link Long#MAX_VALUE}: endless
 * @param lateEvery one reading of every {@code lateEvery}-th block is late; 0: none
 */
record SensorEvents(
    long events, int sensors, long seed, int blockSize, long intervalMillis, int lateEvery, int lateByBlocks)
    implements Serializable {

  /** One reading. */
  record Reading(long index, String sensor, int value, long timeMillis) implements Serializable {}

  /** A step of the script: a reading arrives, or the watermark advances. */
  sealed interface Step permits Arrive, AdvanceWatermark {}

  record Arrive(Reading reading) implements Step {}

  /** {@code timeMillis == Long.MAX_VALUE}: the end of time, the script is over. */
  record AdvanceWatermark(long timeMillis) implements Step {}

  SensorEvents {
    if (events < 0 || sensors < 1 || blockSize < 1 || intervalMillis < 1 || lateEvery < 0 || lateByBlocks < 1) {
      throw new IllegalArgumentException(String.format(
          "Invalid sensor events: events=%d (>= 0), sensors=%d (>= 1), blockSize=%d (>= 1), intervalMillis=%d (>= 1), "
              + "lateEvery=%d (>= 0), lateByBlocks=%d (>= 1)",
          events, sensors, blockSize, intervalMillis, lateEvery, lateByBlocks));
    }
  }

  Reading reading(long i) {
    Random r = new Random(seed * 1_000_003L + i);
    return new Reading(i, "sensor-" + r.nextInt(sensors), r.nextInt(100), i * intervalMillis);
  }

  /** Whether reading {@code i} is held back: it arrives after the watermark passed it. */
  boolean isLate(long i) {
    long block = i / blockSize;
    return heldBackOf(block) == i;
  }

  /** The reading held back from {@code block}, or -1. */
  private long heldBackOf(long block) {
    if (lateEvery == 0 || block % lateEvery != lateEvery - 1) {
      return -1;
    }
    return shuffledBlock(block).get(0);
  }

  private List<Long> shuffledBlock(long block) {
    List<Long> indices = new ArrayList<>();
    for (long i = block * blockSize; i < Math.min(events, (block + 1) * blockSize); i++) {
      indices.add(i);
    }
    Collections.shuffle(indices, new Random(seed * 7_919L + block));
    return indices;
  }

  /** The script from its beginning. */
  Iterator<Step> steps() {
    return new Iterator<>() {
      private final Deque<Step> next = new ArrayDeque<>();
      /** Held-back readings by the block in which they arrive. */
      private final TreeMap<Long, List<Long>> held = new TreeMap<>();
      private long block;
      private boolean over;

      @Override
      public boolean hasNext() {
        while (next.isEmpty() && !over) {
          fill();
        }
        return !next.isEmpty();
      }

      @Override
      public Step next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return next.poll();
      }

      private void fill() {
        long first = block * blockSize;
        if (first >= events) {
          for (List<Long> late : held.values()) {
            late.forEach(i -> next.add(new Arrive(reading(i))));
          }
          held.clear();
          next.add(new AdvanceWatermark(Long.MAX_VALUE));
          over = true;
          return;
        }
        for (long i : held.getOrDefault(block, List.of())) {
          next.add(new Arrive(reading(i)));
        }
        held.remove(block);
        long heldBack = heldBackOf(block);
        for (long i : shuffledBlock(block)) {
          if (i == heldBack) {
            held.computeIfAbsent(block + lateByBlocks, b -> new ArrayList<>()).add(i);
          } else {
            next.add(new Arrive(reading(i)));
          }
        }
        block++;
        next.add(new AdvanceWatermark(Math.min(events, block * blockSize) * intervalMillis));
      }
    };
  }
}
