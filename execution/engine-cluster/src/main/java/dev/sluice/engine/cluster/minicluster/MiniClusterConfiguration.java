package dev.sluice.engine.cluster.minicluster;

/**
 * @param numTaskManagers TaskManagers to start
 * @param slotsPerTaskManager task slots each offers; a slot holds one subtask of every vertex
 *     (slot sharing), so a job needs as many slots as its highest parallelism
 */
public record MiniClusterConfiguration(int numTaskManagers, int slotsPerTaskManager) {

  public static MiniClusterConfiguration forParallelism(int parallelism) {
    return new MiniClusterConfiguration(1, parallelism);
  }
}
