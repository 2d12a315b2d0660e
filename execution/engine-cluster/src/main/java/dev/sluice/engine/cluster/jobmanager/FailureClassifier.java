package dev.sluice.engine.cluster.jobmanager;

import dev.sluice.engine.network.PartitionReleasedException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Tells a task failure that is only the consequence of another task's failure from one that
 * may be a root cause.
 *
 * <p>Why: a failing producer releases its result partitions before it reports FAILED (its
 * terminal report comes last, after cleanup), so its consumers can fail on the released
 * partition and report first. Picking the first report as root cause would then blame a
 * consumer; the scheduler prefers the first failure that is not a consequence.
 */
final class FailureClassifier {

  private FailureClassifier() {}

  /** Whether {@code failure} (or any of its causes) says an input partition went away. */
  static boolean isConsequenceOfAnotherFailure(Throwable failure) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
      if (t instanceof PartitionReleasedException) {
        return true;
      }
    }
    return false;
  }
}
