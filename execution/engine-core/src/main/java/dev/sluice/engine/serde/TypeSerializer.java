package dev.sluice.engine.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;

/**
 * Turns values into bytes for exchanges, state and spill files. The engine never sees a Beam
 * coder; translation wraps one in a {@code TypeSerializer}.
 *
 * <p>{@code serialize} must write a self-delimiting encoding: {@code deserialize} reads exactly
 * what it wrote from a stream that may hold more data after it.
 */
public interface TypeSerializer<T> extends Serializable {

  void serialize(T value, OutputStream out) throws IOException;

  T deserialize(InputStream in) throws IOException;
}
