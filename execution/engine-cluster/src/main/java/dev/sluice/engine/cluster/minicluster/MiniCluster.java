package dev.sluice.engine.cluster.minicluster;

import dev.sluice.engine.cluster.client.JobClient;
import dev.sluice.engine.graph.JobGraph;

/**
 * One JobManager and N TaskManagers in this JVM, talking through the same gateway interfaces
 * the multi-process cluster uses.
 *
 * <h3>Lifecycle</h3>
 * {@code new} -> {@link #start()} -> any number of {@link #submitJob} -> {@link #close()}
 * (cancels running jobs, stops every thread the cluster started).
 */
public final class MiniCluster implements AutoCloseable {

  private final MiniClusterConfiguration configuration;

  public MiniCluster(MiniClusterConfiguration configuration) {
    this.configuration = configuration;
  }

  public void start() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Submits a job; it starts running asynchronously. */
  public JobClient submitJob(JobGraph jobGraph) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public void close() {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
