package dev.sluice.engine.network;

import dev.sluice.engine.serde.TypeSerializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * All input channels of one consumer task, one per (input edge, producer subtask that sends to
 * this subtask). {@link #pollNext} reads the next complete element from any channel of the
 * selected inputs, reading one buffer of a channel before moving to the next channel (so a
 * busy channel cannot starve the others).
 *
 * <h3>Threading model</h3>
 * Consumer task thread only, except the wake-up callback, which producers call (on their
 * thread) when a channel's queue turns non-empty; it must only signal the task's mailbox.
 */
public final class InputGate {

  private final ResultPartitionManager manager;
  private final Runnable wakeUp;
  private final List<LocalInputChannel> channelList = new ArrayList<>();
  private LocalInputChannel[] channels;
  private int current;
  private LocalInputChannel lastChannel;

  /**
   * @param wakeUp called from producer threads when data may have become available; typically
   *     signals the consumer task's mailbox
   */
  InputGate(ResultPartitionManager manager, Runnable wakeUp) {
    this.manager = manager;
    this.wakeUp = wakeUp;
  }

  /** Adds a channel; call before {@link #requestPartitions()}. */
  public LocalInputChannel addChannel(
      int inputIndex, int channelIndexInInput, ResultPartitionId partition, int subpartition, TypeSerializer<Object> serializer) {
    if (channels != null) {
      throw new IllegalStateException("Channels must be added before partitions are requested");
    }
    LocalInputChannel c = new LocalInputChannel(this, channelList.size(), inputIndex, channelIndexInInput, partition, subpartition, serializer);
    channelList.add(c);
    return c;
  }

  /** Asks for every channel's subpartition; channels whose producer has not registered yet attach later. */
  public void requestPartitions() {
    channels = channelList.toArray(new LocalInputChannel[0]);
    for (LocalInputChannel c : channels) {
      manager.requestSubpartition(c);
    }
  }

  public int numberOfChannels() {
    return channelList.size();
  }

  /** The channel with gate-wide index {@code index}. */
  public LocalInputChannel channel(int index) {
    return channelList.get(index);
  }

  /** The channel the last non-NONE {@link #pollNext} read from. */
  public LocalInputChannel lastChannel() {
    return lastChannel;
  }

  /**
   * Reads the next element of a channel that belongs to a selected input and is not
   * {@linkplain LocalInputChannel#setBlocked blocked}.
   *
   * @param inputSelected per input number, whether it may be read; null for all
   * @return the element's tag (see {@link LocalInputChannel#readNext()}) with
   *     {@link #lastChannel()} set, or {@link LocalInputChannel#NONE}
   */
  public int pollNext(boolean[] inputSelected) throws IOException {
    LocalInputChannel[] cs = channels;
    int n = cs.length;
    for (int tried = 0; tried < n; tried++) {
      LocalInputChannel c = cs[current];
      if (!c.isEnded() && !c.isBlocked() && (inputSelected == null || inputSelected[c.inputIndex()])) {
        int tag = c.readNext();
        if (tag != LocalInputChannel.NONE) {
          lastChannel = c;
          if (c.bufferExhausted()) {
            current = current + 1 == n ? 0 : current + 1;
          }
          return tag;
        }
      }
      current = current + 1 == n ? 0 : current + 1;
    }
    return LocalInputChannel.NONE;
  }

  void notifyChannelNonEmpty() {
    wakeUp.run();
  }

  /** Releases every channel (consumer task thread, at task end). */
  public void close() {
    for (LocalInputChannel c : channelList) {
      c.release(manager);
    }
  }
}
