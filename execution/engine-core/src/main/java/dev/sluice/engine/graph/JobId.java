package dev.sluice.engine.graph;

import java.io.Serializable;
import java.util.UUID;

/** Identifies one submitted job. */
public record JobId(UUID value) implements Serializable {
  public static JobId generate() {
    return new JobId(UUID.randomUUID());
  }

  @Override
  public String toString() {
    return value.toString().substring(0, 8);
  }
}
