package dev.sluice.engine.cluster.jobmanager;

import dev.sluice.engine.graph.JobGraph;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;

/**
 * Copies a {@link JobGraph} through Java serialization, resolving classes with the job's user
 * class loader.
 *
 * <p>Why: a remote cluster has to ship the graph (operator factories, serializers) as bytes, so
 * the MiniCluster does the same once at submission. A factory that captured something not
 * serializable, or a graph that only works by sharing objects with the client, then fails in
 * local tests with the same error it would hit on a cluster, and the running job cannot mutate
 * objects the client still holds.
 */
public final class JobGraphCopier {

  private JobGraphCopier() {}

  /** @throws IllegalArgumentException naming the job if the graph cannot be serialized or read back */
  public static JobGraph copy(JobGraph graph, ClassLoader userClassLoader) {
    byte[] bytes;
    try (ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        ObjectOutputStream out = new ObjectOutputStream(buffer)) {
      out.writeObject(graph);
      out.flush();
      bytes = buffer.toByteArray();
    } catch (IOException e) {
      throw new IllegalArgumentException("Job graph of job " + graph.name() + " (" + graph.jobId()
          + ") is not serializable; operator factories and serializers must be Serializable: " + e, e);
    }
    try (ObjectInputStream in = new UserClassLoaderObjectInputStream(new ByteArrayInputStream(bytes), userClassLoader)) {
      return (JobGraph) in.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalArgumentException("Job graph of job " + graph.name() + " (" + graph.jobId()
          + ") could not be deserialized with the job's class loader: " + e, e);
    }
  }

  private static final class UserClassLoaderObjectInputStream extends ObjectInputStream {
    private final ClassLoader loader;

    UserClassLoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
      super(in);
      this.loader = loader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, loader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc); // primitives and bootstrap classes
      }
    }
  }
}
