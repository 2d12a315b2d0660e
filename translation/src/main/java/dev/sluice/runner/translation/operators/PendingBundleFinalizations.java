package dev.sluice.runner.translation.operators;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link DoFn.BundleFinalizer} of one DoFn instance: collects the callbacks registered
 * during a bundle; the operator runs them ({@link #finalizeBundle}) once the bundle finished and
 * its output was handed on. Beam asks for "after the output is durably committed": Sluice has no
 * checkpoints yet, so handed on is as committed as output gets (a task that fails later fails
 * the job, which Beam allows: finalization is best effort).
 *
 * <p>A callback whose expiry passed before the bundle finished is dropped, as Beam specifies. A
 * callback that throws is logged and the others still run: the bundle's output already went
 * downstream, so failing now would not undo it.
 *
 * <h3>Threading model</h3>
 * Mailbox thread only.
 */
final class PendingBundleFinalizations implements DoFn.BundleFinalizer {

  private static final Logger LOG = LoggerFactory.getLogger(PendingBundleFinalizations.class);

  private record Pending(Instant expiry, Callback callback) {}

  private final String stepName;
  private final List<Pending> pending = new ArrayList<>();

  PendingBundleFinalizations(String stepName) {
    this.stepName = stepName;
  }

  @Override
  public void afterBundleCommit(Instant callbackExpiry, Callback callback) {
    pending.add(new Pending(callbackExpiry, callback));
  }

  /** Runs and forgets the callbacks registered so far whose expiry is not yet past. */
  void finalizeBundle(String taskName) {
    if (pending.isEmpty()) {
      return;
    }
    List<Pending> due = new ArrayList<>(pending);
    pending.clear();
    Instant now = Instant.now();
    for (Pending p : due) {
      if (p.expiry().isBefore(now)) {
        LOG.debug("{}: dropping a bundle finalization callback of {} that expired at {}", taskName, stepName, p.expiry());
        continue;
      }
      try {
        p.callback().onBundleSuccess();
      } catch (Exception e) {
        LOG.warn("{}: a bundle finalization callback of {} failed; the bundle's output stands", taskName, stepName, e);
      }
    }
  }
}
