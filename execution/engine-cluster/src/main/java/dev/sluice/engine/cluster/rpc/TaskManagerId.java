package dev.sluice.engine.cluster.rpc;

import java.io.Serializable;

/** Identifies one TaskManager for as long as it is registered with the JobManager. */
public record TaskManagerId(String value) implements Serializable {
  @Override
  public String toString() {
    return value;
  }
}
