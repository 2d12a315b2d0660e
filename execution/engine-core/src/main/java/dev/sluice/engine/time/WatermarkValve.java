package dev.sluice.engine.time;

import dev.sluice.engine.api.Watermarks;
import java.util.Arrays;

/**
 * The watermark of one logical input: the minimum over its channels' watermarks. A channel
 * that ended leaves the minimum (it counts as +infinity), so once every channel ended the
 * input's watermark is {@link Watermarks#MAX}.
 *
 * <p>Idleness: a channel whose producer marked itself idle leaves the minimum too, until it is
 * active again; the minimum is then taken over the active channels only. When no channel is
 * active (all idle or ended, not all ended) the watermark stays where it is and the input is
 * {@link #isIdle() idle}. A channel that comes back with a watermark behind {@link #current()}
 * holds further advances back until it catches up; the watermark never goes back.
 *
 * <p>Invariant: {@link #current()} never decreases. A channel's watermark that goes backwards is
 * ignored. Task thread only; O(channels) per update, which is fine for the few channels a task
 * has (watermarks are rare compared to records).
 */
public final class WatermarkValve {

  private final long[] channelWatermarks;
  private final boolean[] ended;
  private final boolean[] idle;
  private int endedCount;
  /** Channels that are idle and not ended. */
  private int idleCount;
  private long current = Watermarks.MIN;

  public WatermarkValve(int numberOfChannels) {
    channelWatermarks = new long[numberOfChannels];
    Arrays.fill(channelWatermarks, Watermarks.MIN);
    ended = new boolean[numberOfChannels];
    idle = new boolean[numberOfChannels];
    if (numberOfChannels == 0) {
      current = Watermarks.MAX;
    }
  }

  /**
   * A channel reported a watermark.
   *
   * @return true when the input's watermark ({@code min over live channels}) advanced
   */
  public boolean onWatermark(int channel, long watermark) {
    if (ended[channel] || watermark <= channelWatermarks[channel]) {
      return false;
    }
    channelWatermarks[channel] = watermark;
    return recompute();
  }

  /**
   * A channel ended: it no longer holds back the minimum.
   *
   * @return true when the input's watermark advanced
   */
  public boolean onChannelEnded(int channel) {
    if (ended[channel]) {
      return false;
    }
    ended[channel] = true;
    endedCount++;
    if (idle[channel]) {
      idle[channel] = false;
      idleCount--;
    }
    channelWatermarks[channel] = Watermarks.MAX;
    return recompute();
  }

  /**
   * A channel's producer became idle or active again.
   *
   * @return true when the input's watermark advanced (an idle channel left the minimum)
   */
  public boolean onStreamStatus(int channel, boolean channelIdle) {
    if (ended[channel] || idle[channel] == channelIdle) {
      return false;
    }
    idle[channel] = channelIdle;
    idleCount += channelIdle ? 1 : -1;
    return recompute();
  }

  /** Whether no channel is active: every channel is idle or ended, and not all ended. */
  public boolean isIdle() {
    return idleCount > 0 && idleCount + endedCount == ended.length;
  }

  public boolean allEnded() {
    return endedCount == ended.length;
  }

  public int numberOfChannels() {
    return ended.length;
  }

  /** The input's watermark now: {@code min(channel watermarks)}, ended channels as +infinity. */
  public long current() {
    return current;
  }

  private boolean recompute() {
    if (isIdle()) {
      return false; // nothing active to take a minimum over: stay
    }
    long min = Watermarks.MAX;
    for (int c = 0; c < channelWatermarks.length; c++) {
      if (!idle[c]) {
        min = Math.min(min, channelWatermarks[c]);
      }
    }
    if (min > current) {
      current = min;
      return true;
    }
    return false;
  }
}
