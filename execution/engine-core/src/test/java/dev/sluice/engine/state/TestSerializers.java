package dev.sluice.engine.state;

import dev.sluice.engine.serde.TypeSerializer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Small self-delimiting serializers for state tests (engine-core has no built-ins yet). */
public final class TestSerializers {

  public static final TypeSerializer<String> STRING = new StringSerializer();
  public static final TypeSerializer<Long> LONG = new LongSerializer();
  public static final TypeSerializer<Integer> INT = new IntSerializer();

  private TestSerializers() {}

  private static final class StringSerializer implements TypeSerializer<String> {
    @Override
    public void serialize(String value, OutputStream out) throws IOException {
      new DataOutputStream(out).writeUTF(value);
    }

    @Override
    public String deserialize(InputStream in) throws IOException {
      return new DataInputStream(in).readUTF();
    }
  }

  private static final class LongSerializer implements TypeSerializer<Long> {
    @Override
    public void serialize(Long value, OutputStream out) throws IOException {
      new DataOutputStream(out).writeLong(value);
    }

    @Override
    public Long deserialize(InputStream in) throws IOException {
      return new DataInputStream(in).readLong();
    }
  }

  private static final class IntSerializer implements TypeSerializer<Integer> {
    @Override
    public void serialize(Integer value, OutputStream out) throws IOException {
      new DataOutputStream(out).writeInt(value);
    }

    @Override
    public Integer deserialize(InputStream in) throws IOException {
      return new DataInputStream(in).readInt();
    }
  }
}
