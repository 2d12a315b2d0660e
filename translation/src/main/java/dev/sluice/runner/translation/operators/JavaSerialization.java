package dev.sluice.runner.translation.operators;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;

/**
 * Java serialization of user functions (DoFns) into bytes at translation, and back with the
 * job's class loader on the worker. Each subtask deserializes its own copy, so subtasks never
 * share a user object even when the graph itself is not serialized (in-process execution).
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
