package dev.sluice.runner.translation.state;

import java.util.Map;
import java.util.TreeMap;

/**
 * The watermark holds of all keys and windows of one operator, as a multiset of timestamps, so
 * the earliest hold is known without iterating keys at each watermark. {@link SluiceStateInternals}
 * reports every change of a {@code WatermarkHoldState} here (old hold removed, new hold added).
 *
 * <p>In memory only: it is not part of a state snapshot. After a restore it would have to be
 * rebuilt from the restored holds (no streaming operator is restored yet; see translation's
 * README, section Streaming). Mailbox thread only.
 */
public final class WatermarkHoldTracker {

  /** Hold timestamp (millis) -> number of holds at it. */
  private final TreeMap<Long, Integer> holds = new TreeMap<>();

  void add(long timestamp) {
    holds.merge(timestamp, 1, Integer::sum);
  }

  void remove(long timestamp) {
    Integer count = holds.get(timestamp);
    if (count == null) {
      throw new IllegalStateException("No watermark hold at " + timestamp + " to remove");
    }
    if (count == 1) {
      holds.remove(timestamp);
    } else {
      holds.put(timestamp, count - 1);
    }
  }

  /** The earliest hold in millis, or {@code Long.MAX_VALUE} if there is none. */
  public long earliest() {
    Map.Entry<Long, Integer> first = holds.firstEntry();
    return first == null ? Long.MAX_VALUE : first.getKey();
  }

  /** Number of holds, over all keys and namespaces. */
  public int size() {
    int n = 0;
    for (int c : holds.values()) {
      n += c;
    }
    return n;
  }
}
