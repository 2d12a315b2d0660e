package dev.sluice.runner.translation.serde;

import dev.sluice.engine.serde.TypeSerializer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** An {@link EncodedKey} as its length and bytes; the key serializer of keyed state backends. */
public final class EncodedKeySerializer implements TypeSerializer<EncodedKey> {

  private static final long serialVersionUID = 1L;

  @Override
  public void serialize(EncodedKey value, OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeInt(value.bytes().length);
    data.write(value.bytes());
    data.flush();
  }

  @Override
  public EncodedKey deserialize(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    byte[] bytes = new byte[data.readInt()];
    data.readFully(bytes);
    return new EncodedKey(bytes);
  }
}
