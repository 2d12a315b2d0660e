package dev.sluice.runner.translation.operators;

import org.apache.beam.sdk.transforms.reflect.DoFnInvoker;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;

/**
 * Truncation of a splittable DoFn's restriction when the job drains: the DoFn's
 * {@code @TruncateRestriction}, or Beam's default (a restriction whose tracker reports BOUNDED
 * is kept whole, an UNBOUNDED one is dropped). Used by {@link SplittableRestrictions}.
 *
 * <p>Stateless; called on the task's thread.
 */
final class SplittableTruncation {

  private SplittableTruncation() {}

  /**
   * @param args the element, restriction and watermark estimator state to truncate
   * @return the truncated restriction, or null if nothing is left to process
   */
  static Object truncate(DoFnInvoker<Object, Object> invoker, DoFnInvoker.BaseArgumentProvider<Object, Object> args) {
    // Beam's default truncation asks a tracker of the restriction whether it is bounded.
    DoFnInvoker.ArgumentProvider<Object, Object> withTracker =
        new DoFnInvoker.DelegatingArgumentProvider<Object, Object>(args, args.getErrorContext()) {
          @Override
          public RestrictionTracker<?, ?> restrictionTracker() {
            return invoker.invokeNewTracker(args);
          }
        };
    RestrictionTracker.TruncateResult<Object> result = invoker.invokeTruncateRestriction(withTracker);
    return result == null ? null : result.getTruncatedRestriction();
  }
}
