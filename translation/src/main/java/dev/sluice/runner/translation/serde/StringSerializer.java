package dev.sluice.runner.translation.serde;

import dev.sluice.engine.serde.TypeSerializer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A string as its length and UTF-8 bytes. Serializes state namespaces (Beam
 * {@code StateNamespace#stringKey()}) and timer ids, which may be longer than 64 KB, so not
 * {@code writeUTF}.
 */
public final class StringSerializer implements TypeSerializer<String> {

  private static final long serialVersionUID = 1L;

  @Override
  public void serialize(String value, OutputStream out) throws IOException {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    DataOutputStream data = new DataOutputStream(out);
    data.writeInt(bytes.length);
    data.write(bytes);
    data.flush();
  }

  @Override
  public String deserialize(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    byte[] bytes = new byte[data.readInt()];
    data.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
