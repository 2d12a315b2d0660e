package dev.sluice.engine.cluster.jobmanager;

import dev.sluice.engine.graph.JobGraph;
import dev.sluice.engine.serde.JavaSerialization;
import java.io.IOException;

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
    try {
      bytes = JavaSerialization.serialize(graph);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Job graph of job " + graph.name() + " (" + graph.jobId()
          + ") is not serializable; operator factories and serializers must be Serializable: " + e.getCause(), e);
    }
    try {
      return (JobGraph) JavaSerialization.deserialize(bytes, userClassLoader);
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalArgumentException("Job graph of job " + graph.name() + " (" + graph.jobId()
          + ") could not be deserialized with the job's class loader: " + e, e);
    }
  }
}
