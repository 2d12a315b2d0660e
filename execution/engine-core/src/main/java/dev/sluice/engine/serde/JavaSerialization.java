package dev.sluice.engine.serde;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;

/**
 * Java serialization into bytes, and back with a job's user class loader (classes the loader
 * does not know, e.g. primitives, resolve as usual). Used for job graphs shipped to the
 * cluster and for user functions each subtask deserializes its own copy of.
 */
public final class JavaSerialization {

  private JavaSerialization() {}

  public static byte[] serialize(Serializable value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("Unable to serialize " + value + ": " + e, e);
    }
    return bytes.toByteArray();
  }

  public static Object deserialize(byte[] bytes, ClassLoader classLoader) throws IOException, ClassNotFoundException {
    try (ObjectInputStream in = new UserClassObjectInputStream(new ByteArrayInputStream(bytes), classLoader)) {
      return in.readObject();
    }
  }

  /** Resolves classes with the job's class loader first. */
  private static final class UserClassObjectInputStream extends ObjectInputStream {
    private final ClassLoader classLoader;

    UserClassObjectInputStream(InputStream in, ClassLoader classLoader) throws IOException {
      super(in);
      this.classLoader = classLoader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, classLoader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }
}
