package dev.sluice.runner.translation;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterSynchronizedProcessingTime;
import org.apache.beam.sdk.transforms.windowing.Trigger;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PValue;

/**
 * Finds the collections of a pipeline whose trigger fires on processing time.
 *
 * <p>Why the runner asks: batch execution groups a key's values once its input has ended, when
 * processing time no longer separates anything, so a processing-time trigger there fires only
 * its final pane (as in Beam's Flink runner and Dataflow in batch). A pipeline that asks for
 * panes in processing time, e.g. early results while a slow stage is still working, gets them
 * only in streaming execution, so such a pipeline runs in streaming even on bounded input.
 * Triggers on the watermark and on element counts are honoured by batch and keep it there.
 */
public final class ProcessingTimeTriggers {

  private ProcessingTimeTriggers() {}

  /**
   * One description per collection whose windowing strategy's trigger contains
   * {@code AfterProcessingTime} or {@code AfterSynchronizedProcessingTime}, in topological order:
   * {@code "<collection> (produced by '<transform>') is triggered by <trigger>"}.
   */
  public static List<String> collectionsTriggeredByProcessingTime(Pipeline pipeline) {
    List<String> found = new ArrayList<>();
    pipeline.traverseTopologically(new Pipeline.PipelineVisitor.Defaults() {
      @Override
      public void visitValue(PValue value, TransformHierarchy.Node producer) {
        if (value instanceof PCollection<?> pc && dependsOnProcessingTime(pc.getWindowingStrategy().getTrigger())) {
          found.add(pc.getName() + " (produced by '" + producer.getFullName() + "') is triggered by "
              + pc.getWindowingStrategy().getTrigger());
        }
      }
    });
    return found;
  }

  /** Whether {@code trigger} or any trigger nested in it fires on processing time. */
  static boolean dependsOnProcessingTime(Trigger trigger) {
    if (trigger instanceof AfterProcessingTime || trigger instanceof AfterSynchronizedProcessingTime) {
      return true;
    }
    for (Trigger sub : trigger.subTriggers()) {
      if (dependsOnProcessingTime(sub)) {
        return true;
      }
    }
    return false;
  }
}
