package dev.sluice.runner.translation.serde;

import dev.sluice.engine.serde.TypeSerializer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.Coder;

/**
 * A Beam {@link Coder} seen by the engine as a {@link TypeSerializer}. Encodes in the nested
 * context so that values are self-delimiting inside a buffer or a spill file.
 */
public final class CoderTypeSerializer<T> implements TypeSerializer<T> {

  private final Coder<T> coder;

  public CoderTypeSerializer(Coder<T> coder) {
    this.coder = coder;
  }

  public Coder<T> coder() {
    return coder;
  }

  @Override
  public void serialize(T value, OutputStream out) throws IOException {
    coder.encode(value, out);
  }

  @Override
  public T deserialize(InputStream in) throws IOException {
    return coder.decode(in);
  }

  @Override
  public String toString() {
    return "CoderTypeSerializer(" + coder + ")";
  }
}
