package dev.sluice.runner.translation.operators;

import java.util.List;
import org.apache.beam.sdk.transforms.windowing.AfterAll;
import org.apache.beam.sdk.transforms.windowing.AfterEach;
import org.apache.beam.sdk.transforms.windowing.AfterFirst;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterSynchronizedProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.Never;
import org.apache.beam.sdk.transforms.windowing.OrFinallyTrigger;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Trigger;

/**
 * What a trigger's panes depend on in a batch GroupByKey, where all values of a key reach
 * ReduceFnRunner in one call, processing time stands still until the end, and the watermark
 * jumps from -infinity to +infinity. Watermark and processing-time triggers then fire at the
 * same points whatever the number of values in a window; only {@code AfterPane} counts them.
 */
final class BatchTriggers {

  private BatchTriggers() {}

  /**
   * The element count below which {@code trigger} fires a window's panes exactly as it would
   * for a window holding one element: the smallest {@code AfterPane.elementCountAtLeast}
   * threshold in the trigger ({@link Long#MAX_VALUE} if there is none), or 0 when the trigger
   * contains a kind this class does not know (no count is safe then).
   */
  static long countBelowWhichPanesAreCountFree(Trigger trigger) {
    if (trigger instanceof AfterPane afterPane) {
      return afterPane.getElementCount();
    }
    if (!(trigger instanceof DefaultTrigger
        || trigger instanceof AfterWatermark.FromEndOfWindow
        || trigger instanceof AfterWatermark.AfterWatermarkEarlyAndLate
        || trigger instanceof AfterProcessingTime
        || trigger instanceof AfterSynchronizedProcessingTime
        || trigger instanceof Repeatedly
        || trigger instanceof OrFinallyTrigger
        || trigger instanceof AfterEach
        || trigger instanceof AfterFirst
        || trigger instanceof AfterAll
        || trigger instanceof Never.NeverTrigger)) {
      return 0;
    }
    long min = Long.MAX_VALUE;
    List<Trigger> subTriggers = trigger.subTriggers();
    for (Trigger sub : subTriggers) {
      min = Math.min(min, countBelowWhichPanesAreCountFree(sub));
    }
    return min;
  }
}
