package dev.sluice.engine.time;

import dev.sluice.engine.api.Watermarks;
import java.util.Arrays;

/**
 * The watermark of one logical input: the minimum over its channels' watermarks. A channel
 * that ended leaves the minimum (it counts as +infinity), so once every channel ended the
 * input's watermark is {@link Watermarks#MAX}.
 *
 * <p>Invariant: {@link #current()} never decreases. A channel's watermark that goes backwards is
 * ignored. Task thread only; O(channels) per update, which is fine for the few channels a task
 * has (watermarks are rare compared to records).
 */
public final class WatermarkValve {

  private final long[] channelWatermarks;
  private final boolean[] ended;
  private int endedCount;
  private long current = Watermarks.MIN;

  public WatermarkValve(int numberOfChannels) {
    channelWatermarks = new long[numberOfChannels];
    Arrays.fill(channelWatermarks, Watermarks.MIN);
    ended = new boolean[numberOfChannels];
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
    channelWatermarks[channel] = Watermarks.MAX;
    return recompute();
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
    long min = Watermarks.MAX;
    for (long w : channelWatermarks) {
      min = Math.min(min, w);
    }
    if (min > current) {
      current = min;
      return true;
    }
    return false;
  }
}
