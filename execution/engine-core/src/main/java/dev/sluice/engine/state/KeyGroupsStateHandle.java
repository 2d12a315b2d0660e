package dev.sluice.engine.state;

import dev.sluice.engine.api.KeyGroupRange;
import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link KeyedStateHandle} whose key group streams are slices of one byte array. Checkpoint
 * storage can persist it with {@link #write(DataOutput)} and load it with {@link #read(DataInput)}
 * (format: version, checkpoint id, range, offsets, bytes), or later keep only a file reference.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class KeyGroupsStateHandle implements KeyedStateHandle {

  private static final long serialVersionUID = 1L;
  private static final int FORMAT_VERSION = 1;

  private final long checkpointId;
  private final KeyGroupRange keyGroupRange;
  /** Key group {@code g} is {@code data[offsets[g - start], offsets[g - start + 1])}. */
  private final int[] offsets;
  private final byte[] data;

  /**
   * @param offsets {@code keyGroupRange.size() + 1} ascending offsets into {@code data}; taken
   *     over, not copied
   * @param data the concatenated key group streams; taken over, not copied
   */
  public KeyGroupsStateHandle(
      long checkpointId, KeyGroupRange keyGroupRange, int[] offsets, byte[] data) {
    this.checkpointId = checkpointId;
    this.keyGroupRange = Objects.requireNonNull(keyGroupRange);
    this.offsets = Objects.requireNonNull(offsets);
    this.data = Objects.requireNonNull(data);
    if (offsets.length != keyGroupRange.size() + 1
        || offsets[0] != 0
        || offsets[offsets.length - 1] != data.length) {
      throw new IllegalArgumentException(
          "Offsets " + Arrays.toString(offsets) + " do not fit " + keyGroupRange + " and "
              + data.length + " bytes of data");
    }
  }

  @Override
  public long checkpointId() {
    return checkpointId;
  }

  @Override
  public KeyGroupRange keyGroupRange() {
    return keyGroupRange;
  }

  @Override
  public InputStream openKeyGroup(int keyGroup) {
    if (!keyGroupRange.contains(keyGroup)) {
      return null;
    }
    int index = keyGroup - keyGroupRange.start();
    int from = offsets[index];
    int to = offsets[index + 1];
    return from == to ? null : new ByteArrayInputStream(data, from, to - from);
  }

  @Override
  public long stateSize() {
    return data.length;
  }

  /** Writes the handle, state included, in a versioned binary layout. */
  public void write(DataOutput out) throws IOException {
    out.writeInt(FORMAT_VERSION);
    out.writeLong(checkpointId);
    out.writeInt(keyGroupRange.start());
    out.writeInt(keyGroupRange.end());
    for (int offset : offsets) {
      out.writeInt(offset);
    }
    out.write(data);
  }

  /** Reads a handle written by {@link #write(DataOutput)}. */
  public static KeyGroupsStateHandle read(DataInput in) throws IOException {
    int version = in.readInt();
    if (version != FORMAT_VERSION) {
      throw new IOException(
          "Unsupported keyed state handle format version " + version + " (this version reads "
              + FORMAT_VERSION + ")");
    }
    long checkpointId = in.readLong();
    KeyGroupRange range = new KeyGroupRange(in.readInt(), in.readInt());
    int[] offsets = new int[range.size() + 1];
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = in.readInt();
    }
    byte[] data = new byte[offsets[offsets.length - 1]];
    in.readFully(data);
    return new KeyGroupsStateHandle(checkpointId, range, offsets, data);
  }

  @Override
  public String toString() {
    return "KeyGroupsStateHandle[checkpoint " + checkpointId + ", " + keyGroupRange + ", "
        + data.length + " bytes]";
  }
}
