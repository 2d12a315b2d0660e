package dev.sluice.engine.serde;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A serializer for the records of a HASH edge that encodes each record's key as part of the
 * record and reports the key's hash while doing so, so that a record's key is encoded once on
 * the exchange instead of once by the edge's {@code KeySelector} and again by the serializer.
 *
 * <p>The {@code RecordWriter} of a HASH edge whose serializer implements this routes by the
 * returned hash and does not call the key selector. The hash must therefore route every record
 * as the edge's key selector would (typically: the {@code hashCode} of the key object the
 * selector returns), so that equal keys meet in one subtask and a consumer's keyed state finds
 * them in its key groups.
 */
public interface KeyHashingSerializer<T> extends TypeSerializer<T> {

  /** Writes {@code value} exactly as {@link #serialize} does and returns the hash of its key. */
  int serializeAndHashKey(T value, OutputStream out) throws IOException;
}
