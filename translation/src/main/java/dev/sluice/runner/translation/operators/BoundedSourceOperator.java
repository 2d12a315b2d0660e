package dev.sluice.runner.translation.operators;

import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.SourceOperator;
import dev.sluice.runner.translation.metrics.MetricsAccumulator;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.runners.core.metrics.MetricsContainerImpl;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.util.WindowedValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the splits of a Beam {@link BoundedSource} assigned to this subtask, one after another,
 * emitting each record in the global window with the reader's timestamp.
 *
 * <h3>Threading model</h3>
 * Mailbox thread only. {@link #emitNext} reads at most {@link #MAX_RECORDS_PER_CALL} records so
 * that mail (timers, cancellation) is served between calls.
 *
 * <h3>Lifecycle</h3>
 * A reader is opened when its split is reached and closed as soon as it is exhausted; the
 * reader still open on failure or cancellation is closed by {@link #close}.
 *
 * @param <T> the source's element type
 */
public final class BoundedSourceOperator<T> implements SourceOperator {

  private static final Logger LOG = LoggerFactory.getLogger(BoundedSourceOperator.class);

  /** Bound on the work of one {@link #emitNext} call. */
  static final int MAX_RECORDS_PER_CALL = 256;

  private final String stepName;
  private final List<List<BoundedSource<T>>> splitsPerSubtask;
  private final SerializablePipelineOptions options;
  private final MetricsContainerImpl splitMetrics;

  /** Mailbox thread only. */
  private List<BoundedSource<T>> splits;
  private int nextSplit;
  private BoundedSource.BoundedReader<T> reader;
  private MetricsContainer metrics;
  private String taskName;

  /**
   * @param splitsPerSubtask element {@code i} holds the splits subtask {@code i} reads; subtasks
   *     beyond the list's size read nothing
   */
  public BoundedSourceOperator(
      String stepName, List<List<BoundedSource<T>>> splitsPerSubtask, SerializablePipelineOptions options) {
    this(stepName, splitsPerSubtask, options, null);
  }

  /**
   * @param splitMetrics Beam metrics that the source reported while it was split at translation
   *     (null: none); subtask 0 adds them to its own, so that they are counted exactly once
   */
  public BoundedSourceOperator(
      String stepName,
      List<List<BoundedSource<T>>> splitsPerSubtask,
      SerializablePipelineOptions options,
      MetricsContainerImpl splitMetrics) {
    this.stepName = stepName;
    this.splitsPerSubtask = splitsPerSubtask;
    this.options = options;
    this.splitMetrics = splitMetrics;
  }

  @Override
  public void open(OperatorContext context, Output output) {
    int index = context.subtaskIndex();
    splits = index < splitsPerSubtask.size() ? splitsPerSubtask.get(index) : List.of();
    MetricsContainerImpl container =
        context.accumulator(MetricsAccumulator.NAME, MetricsAccumulator::new).stepMap().getContainer(stepName);
    if (index == 0 && splitMetrics != null) {
      container.update(splitMetrics);
    }
    metrics = container;
    taskName = context.taskName();
    LOG.debug("{} reads {} splits of {}", taskName, splits.size(), stepName);
  }

  @Override
  public Status emitNext(Output output) throws Exception {
    // Readers may update Beam metrics, so they run in the step's container.
    try (Closeable ignored = MetricsEnvironment.scopedMetricsContainer(metrics)) {
      int emitted = 0;
      while (emitted < MAX_RECORDS_PER_CALL) {
        boolean available;
        if (reader == null) {
          if (nextSplit == splits.size()) {
            return Status.END_OF_INPUT;
          }
          reader = splits.get(nextSplit++).createReader(options.get());
          available = reader.start();
        } else {
          available = reader.advance();
        }
        if (!available) {
          closeReader();
          continue;
        }
        WindowedValue<T> value = WindowedValue.timestampedValueInGlobalWindow(reader.getCurrent(), reader.getCurrentTimestamp());
        output.emit(0, value, value.getTimestamp().getMillis());
        emitted++;
      }
      return Status.MORE_AVAILABLE;
    }
  }

  @Override
  public void finish() throws IOException {
    closeReader();
  }

  @Override
  public void close() {
    try {
      closeReader();
    } catch (IOException | RuntimeException e) {
      // close() runs after failure or cancel too; the task's own outcome matters more.
      LOG.warn("{}: failed to close reader of {}; ignoring it since the task is ending", taskName, stepName, e);
    }
  }

  private void closeReader() throws IOException {
    if (reader != null) {
      BoundedSource.BoundedReader<T> r = reader;
      reader = null;
      r.close();
    }
  }
}
