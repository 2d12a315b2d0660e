package dev.sluice.engine.cluster.jobmanager;

import dev.sluice.engine.api.Accumulator;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Merges per-task accumulators into job-wide ones. */
public final class Accumulators {

  private Accumulators() {}

  /**
   * Merges same-named accumulators: the first one seen is {@link Accumulator#copy() copied}, the
   * others are {@link Accumulator#merge merged} into the copy, so the inputs are never changed.
   *
   * @return an unmodifiable map sorted by name
   * @throws IllegalStateException if two tasks registered the same name with different types
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Map<String, Accumulator<?>> merge(Iterable<Map<String, Accumulator<?>>> perTask) {
    Map<String, Accumulator> merged = new TreeMap<>();
    for (Map<String, Accumulator<?>> task : perTask) {
      for (Map.Entry<String, Accumulator<?>> e : task.entrySet()) {
        Accumulator current = merged.get(e.getKey());
        if (current == null) {
          merged.put(e.getKey(), (Accumulator) e.getValue().copy());
        } else if (current.getClass() != e.getValue().getClass()) {
          throw new IllegalStateException("Accumulator " + e.getKey() + " has type " + current.getClass().getName()
              + " in one task and " + e.getValue().getClass().getName() + " in another; they cannot be merged");
        } else {
          current.merge(e.getValue());
        }
      }
    }
    return Collections.unmodifiableMap((Map) merged);
  }
}
