package dev.sluice.engine.state.heap;

import dev.sluice.engine.serde.TypeSerializer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * Encodes the object a {@link StateTable} holds per (key, namespace): the value itself, a list,
 * or a map. Part of the snapshot format of VALUE, LIST and MAP entries.
 */
interface EntrySerializer<S> {

  void write(S entry, DataOutputStream out) throws IOException;

  S read(DataInputStream in) throws IOException;

  /** VALUE: the value as its serializer writes it. */
  static <V> EntrySerializer<V> value(TypeSerializer<V> serializer) {
    return new EntrySerializer<>() {
      @Override
      public void write(V entry, DataOutputStream out) throws IOException {
        serializer.serialize(entry, out);
      }

      @Override
      public V read(DataInputStream in) throws IOException {
        return serializer.deserialize(in);
      }
    };
  }

  /** LIST: {@code size:int element*}. */
  static <V> EntrySerializer<ArrayList<V>> list(TypeSerializer<V> serializer) {
    return new EntrySerializer<>() {
      @Override
      public void write(ArrayList<V> entry, DataOutputStream out) throws IOException {
        out.writeInt(entry.size());
        for (V element : entry) {
          serializer.serialize(element, out);
        }
      }

      @Override
      public ArrayList<V> read(DataInputStream in) throws IOException {
        int size = in.readInt();
        ArrayList<V> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
          list.add(serializer.deserialize(in));
        }
        return list;
      }
    };
  }

  /** MAP: {@code size:int (key value)*}. */
  static <UK, UV> EntrySerializer<HashMap<UK, UV>> map(
      TypeSerializer<UK> keySerializer, TypeSerializer<UV> valueSerializer) {
    return new EntrySerializer<>() {
      @Override
      public void write(HashMap<UK, UV> entry, DataOutputStream out) throws IOException {
        out.writeInt(entry.size());
        for (Map.Entry<UK, UV> e : entry.entrySet()) {
          keySerializer.serialize(e.getKey(), out);
          valueSerializer.serialize(e.getValue(), out);
        }
      }

      @Override
      public HashMap<UK, UV> read(DataInputStream in) throws IOException {
        int size = in.readInt();
        HashMap<UK, UV> map = new HashMap<>(Math.max(4, size * 2));
        for (int i = 0; i < size; i++) {
          UK key = keySerializer.deserialize(in);
          map.put(key, valueSerializer.deserialize(in));
        }
        return map;
      }
    };
  }
}
