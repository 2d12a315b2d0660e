package dev.sluice.engine.time;

/**
 * Aligns synthetic processing-time barriers over all channels of a task (all inputs), like an
 * aligned checkpoint barrier: a channel that delivered a barrier is blocked (not read) until
 * every channel still open delivered one too; then the barrier is complete, all channels are
 * released, and the task may advance its processing time to the largest time the barriers
 * carried.
 *
 * <p>Why align rather than take a minimum: a source emits a barrier after each step of its
 * replay, and everything a task emits because of that step travels ahead of the barrier it
 * forwards. Blocking the channels that are ahead keeps the next step's data behind the output
 * of this one on every path (a test stream's "multi-stage" order, without a global quiescence
 * detector), and processing time at a task never moves before the data that came before it.
 *
 * <p>Channels that ended no longer count. A channel that never carries barriers (fed only by
 * other sources) holds a barrier back until it ends; in a job on synthetic processing time such
 * sources are bounded.
 *
 * <p>Barriers are matched by count, not by value: the n-th barrier of each channel aligns
 * with the n-th of the others. With one barrier source they also carry the same time; with
 * several, the task takes the largest, so its processing time never decreases.
 *
 * <p>Checkpoint barriers, once they exist, must treat a channel blocked here like one blocked
 * for their own alignment: neither may wait for data behind the other's block.
 *
 * <p>Task thread only.
 */
public final class ProcessingTimeAligner {

  private final boolean[] blocked;
  private final boolean[] ended;
  private int blockedCount;
  private int endedCount;
  private long pendingTime = Long.MIN_VALUE;

  public ProcessingTimeAligner(int numberOfChannels) {
    blocked = new boolean[numberOfChannels];
    ended = new boolean[numberOfChannels];
  }

  /**
   * A barrier carrying {@code time} arrived on {@code channel}, which the caller must now block.
   *
   * @return true if this completed the barrier: the caller releases every blocked channel
   *     ({@link #isBlocked} turned false for all) and advances to {@link #alignedTime()}
   */
  public boolean onBarrier(int channel, long time) {
    if (ended[channel]) {
      throw new IllegalStateException("Processing-time barrier on channel " + channel + " after it ended");
    }
    if (blocked[channel]) {
      throw new IllegalStateException("Second processing-time barrier on channel " + channel
          + " before the first was aligned; a blocked channel must not be read");
    }
    blocked[channel] = true;
    blockedCount++;
    pendingTime = Math.max(pendingTime, time);
    return completeIfAligned();
  }

  /**
   * {@code channel} ended. Returns true if that completed a barrier the other channels were
   * waiting at (handle as for {@link #onBarrier}).
   */
  public boolean onChannelEnded(int channel) {
    if (ended[channel]) {
      return false;
    }
    ended[channel] = true;
    endedCount++;
    if (blocked[channel]) {
      blocked[channel] = false;
      blockedCount--;
    }
    return blockedCount > 0 && completeIfAligned();
  }

  /** Whether {@code channel} waits for the others. */
  public boolean isBlocked(int channel) {
    return blocked[channel];
  }

  /** Whether some channel waits at a barrier. */
  public boolean isAligning() {
    return blockedCount > 0;
  }

  /** The time of the barrier completed last. */
  public long alignedTime() {
    return pendingTime;
  }

  public int numberOfChannels() {
    return blocked.length;
  }

  private boolean completeIfAligned() {
    if (blockedCount + endedCount < blocked.length) {
      return false;
    }
    for (int c = 0; c < blocked.length; c++) {
      blocked[c] = false;
    }
    blockedCount = 0;
    return true;
  }
}
