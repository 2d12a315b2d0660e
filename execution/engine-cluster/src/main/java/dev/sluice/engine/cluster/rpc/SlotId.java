package dev.sluice.engine.cluster.rpc;

import java.io.Serializable;

/** Slot number {@code index} (0-based) of TaskManager {@code taskManager}. */
public record SlotId(TaskManagerId taskManager, int index) implements Serializable {
  @Override
  public String toString() {
    return taskManager + "[" + index + "]";
  }
}
