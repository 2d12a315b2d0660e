package dev.sluice.engine.benchmarks;

import dev.sluice.engine.serde.TypeSerializer;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Serializers of the benchmark records. They allocate nothing but the value they return (a
 * first version used a scratch {@code byte[8]} per call, which escape analysis could not remove
 * because the array is passed to a stream, and which then made up two thirds of all allocation
 * in the exchange benchmark). Stateless: one instance is shared by the producer and consumer
 * threads of an edge.
 */
final class BenchSerializers {

  private BenchSerializers() {}

  /** A {@code Long} as 8 big-endian bytes. */
  static final class LongSerializer implements TypeSerializer<Object> {
    private static final long serialVersionUID = 1L;

    @Override
    public void serialize(Object value, OutputStream out) throws IOException {
      long v = (Long) value;
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) (v >>> shift));
      }
    }

    @Override
    public Object deserialize(InputStream in) throws IOException {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        int b = in.read();
        if (b < 0) {
          throw new EOFException("expected 8 bytes of a long, got " + i);
        }
        v = (v << 8) | b;
      }
      return v;
    }
  }

  /** A {@code byte[]} of at most 255 bytes, as one length byte and the bytes. */
  static final class ShortBytesSerializer implements TypeSerializer<Object> {
    private static final long serialVersionUID = 1L;

    @Override
    public void serialize(Object value, OutputStream out) throws IOException {
      byte[] b = (byte[]) value;
      if (b.length > 255) {
        throw new IOException("ShortBytesSerializer takes at most 255 bytes, got " + b.length);
      }
      out.write(b.length);
      out.write(b, 0, b.length);
    }

    @Override
    public Object deserialize(InputStream in) throws IOException {
      int length = in.read();
      if (length < 0) {
        throw new EOFException("no length byte");
      }
      byte[] b = new byte[length];
      readFully(in, b);
      return b;
    }
  }

  /** For namespaces of state that has none: writes nothing. */
  static final class VoidSerializer implements TypeSerializer<String> {
    private static final long serialVersionUID = 1L;

    @Override
    public void serialize(String value, OutputStream out) {}

    @Override
    public String deserialize(InputStream in) {
      return "";
    }
  }

  /** A {@code Long} key or value of keyed state. */
  static final class StateLongSerializer implements TypeSerializer<Long> {
    private static final long serialVersionUID = 1L;
    private final LongSerializer delegate = new LongSerializer();

    @Override
    public void serialize(Long value, OutputStream out) throws IOException {
      delegate.serialize(value, out);
    }

    @Override
    public Long deserialize(InputStream in) throws IOException {
      return (Long) delegate.deserialize(in);
    }
  }

  private static void readFully(InputStream in, byte[] b) throws IOException {
    int n = 0;
    while (n < b.length) {
      int r = in.read(b, n, b.length - n);
      if (r < 0) {
        throw new EOFException("expected " + b.length + " bytes, got " + n);
      }
      n += r;
    }
  }
}
