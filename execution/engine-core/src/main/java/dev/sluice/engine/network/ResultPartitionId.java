package dev.sluice.engine.network;

import dev.sluice.engine.graph.JobId;

/** The output of producer subtask {@code producerSubtask} on edge {@code edgeId} of job {@code job}. */
public record ResultPartitionId(JobId job, int edgeId, int producerSubtask) {
  @Override
  public String toString() {
    return job + "/e" + edgeId + "/" + producerSubtask;
  }
}
