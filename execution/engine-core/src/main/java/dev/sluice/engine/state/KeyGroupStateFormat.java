package dev.sluice.engine.state;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The layout of one key group's snapshot stream, shared by all backends so that a snapshot of
 * one can be restored into another:
 *
 * <pre>
 *   keyGroupStream := MAGIC:int VERSION:int entryCount:int entry*
 *   entry          := kind:byte name:UTF payloadLength:int payload
 * </pre>
 *
 * The payload of an entry is written by the backend with the state's serializers; its layout
 * belongs to the {@link StateKind} (see the heap backend's {@code StateTable} and
 * {@code HeapTimerService}). Framing each entry with its length lets a restoring backend keep
 * an entry as raw bytes until the operator registers the state and so supplies the serializers.
 */
public final class KeyGroupStateFormat {

  /** "SLKG". */
  public static final int MAGIC = 0x534C4B47;

  public static final int VERSION = 1;

  /** One framed entry of a key group stream. */
  public record Entry(StateKind kind, String name, byte[] payload) {}

  private KeyGroupStateFormat() {}

  /** Writes a whole key group stream. */
  public static void write(List<Entry> entries, OutputStream stream) throws IOException {
    DataOutputStream out = new DataOutputStream(stream);
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeInt(entries.size());
    for (Entry entry : entries) {
      out.writeByte(entry.kind().code());
      out.writeUTF(entry.name());
      out.writeInt(entry.payload().length);
      out.write(entry.payload());
    }
    out.flush();
  }

  /** Reads a whole key group stream written by {@link #write}. */
  public static List<Entry> read(InputStream stream, int keyGroup) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    int magic = in.readInt();
    if (magic != MAGIC) {
      throw new IOException(
          "Key group " + keyGroup + " of the snapshot does not start with the Sluice key group"
              + " magic number: not a keyed state snapshot, or corrupt");
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException(
          "Key group " + keyGroup + " was written with snapshot format version " + version
              + "; this version reads " + VERSION);
    }
    int count = in.readInt();
    List<Entry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      StateKind kind = StateKind.fromCode(in.readUnsignedByte());
      String name = in.readUTF();
      byte[] payload = new byte[in.readInt()];
      in.readFully(payload);
      entries.add(new Entry(kind, name, payload));
    }
    return entries;
  }
}
