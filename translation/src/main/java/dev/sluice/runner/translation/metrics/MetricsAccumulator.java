package dev.sluice.runner.translation.metrics;

import dev.sluice.engine.api.Accumulator;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;

/**
 * Beam metrics of one subtask (all steps of its chain), as an engine accumulator. The engine
 * merges them over subtasks; the runner turns the merged map into Beam {@code MetricResults}.
 * Metric cells are atomic, so {@link #copy()} is safe while the task updates them.
 */
public final class MetricsAccumulator implements Accumulator<MetricsAccumulator> {

  /** The accumulator name under which every operator registers Beam metrics. */
  public static final String NAME = "__beam_metrics";

  private final MetricsContainerStepMap stepMap;

  public MetricsAccumulator() {
    this(new MetricsContainerStepMap());
  }

  private MetricsAccumulator(MetricsContainerStepMap stepMap) {
    this.stepMap = stepMap;
  }

  public MetricsContainerStepMap stepMap() {
    return stepMap;
  }

  @Override
  public MetricsAccumulator copy() {
    MetricsContainerStepMap copy = new MetricsContainerStepMap();
    copy.updateAll(stepMap);
    return new MetricsAccumulator(copy);
  }

  @Override
  public void merge(MetricsAccumulator other) {
    stepMap.updateAll(other.stepMap);
  }
}
