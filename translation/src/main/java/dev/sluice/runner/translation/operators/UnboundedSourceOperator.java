package dev.sluice.runner.translation.operators;

import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.ProcessingTimeService;
import dev.sluice.engine.api.SourceOperator;
import dev.sluice.runner.translation.metrics.MetricsAccumulator;
import java.io.Closeable;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.WindowedValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the splits of a Beam {@link UnboundedSource} assigned to this subtask, all at once:
 * readers are polled round-robin, a reader without data is skipped, and the source watermark is
 * the minimum of the readers' watermarks. A reader whose watermark reaches
 * {@link BoundedWindow#TIMESTAMP_MAX_VALUE} is done; when all are done the source ends (the
 * engine then sends watermark +infinity). A subtask with no splits ends at once, so it never
 * holds the watermark of its consumers back.
 *
 * <p>With {@link Bounds}, each split stops after its share of records, after a read time or
 * after a time without records, which is {@code BoundedReadFromUnboundedSource} ({@code GenerateSequence...withMaxNumRecords},
 * {@code withMaxReadTime}); such a bounded read emits no watermark until its end, as batch
 * sources do.
 *
 * <h3>Threading model</h3>
 * Mailbox thread only. {@link #emitNext} emits at most {@link #MAX_RECORDS_PER_CALL} records. It
 * never blocks and never spins: when no reader has data it returns NOTHING_AVAILABLE with an
 * {@link #available()} future that a processing-time timer completes after {@link #BACKOFF_MS}.
 *
 * <h3>Lifecycle</h3>
 * Readers are created and started on the first {@code emitNext}; a reader is closed as soon as
 * it is done, the others in {@link #finish}/{@link #close}.
 *
 * @param <T> the source's element type
 */
public final class UnboundedSourceOperator<T> implements SourceOperator {

  private static final Logger LOG = LoggerFactory.getLogger(UnboundedSourceOperator.class);

  /** Bound on the work of one {@link #emitNext} call. */
  static final int MAX_RECORDS_PER_CALL = 256;
  /** Wait before polling readers again when none had data. */
  static final long BACKOFF_MS = 10;
  /** Minimum processing time between two source watermarks. */
  static final long WATERMARK_INTERVAL_MS = 5;

  /**
   * Limits of a bounded read of an unbounded source, per split.
   *
   * @param maxRecords {@code maxRecords[subtask][i]}: records the subtask's split {@code i} may
   *     emit; null for no limit
   * @param maxReadTimeMillis how long each split is read ({@link Long#MAX_VALUE}: no limit)
   * @param maxIdleMillis a split without a record for this long is done
   */
  public record Bounds(long[][] maxRecords, long maxReadTimeMillis, long maxIdleMillis) implements Serializable {

    long maxRecords(int subtask, int split) {
      return maxRecords == null ? Long.MAX_VALUE : maxRecords[subtask][split];
    }
  }

  private final String stepName;
  private final List<List<UnboundedSource<T, ?>>> splitsPerSubtask;
  private final SerializablePipelineOptions options;
  /** Null for an unbounded read. */
  private final Bounds bounds;

  /** Mailbox thread only. */
  private List<SplitReader<T>> readers;
  private int nextReader;
  private long lastEmittedWatermark = Long.MIN_VALUE;
  private long lastWatermarkTime = Long.MIN_VALUE;
  private CompletableFuture<Void> availability;
  private ProcessingTimeService time;
  private MetricsContainer metrics;
  private String taskName;
  private List<UnboundedSource<T, ?>> splits;
  private int subtask;

  /**
   * @param splitsPerSubtask element {@code i} holds the splits subtask {@code i} reads; subtasks
   *     beyond the list's size read nothing
   * @param bounds null for an unbounded read
   */
  public UnboundedSourceOperator(
      String stepName,
      List<List<UnboundedSource<T, ?>>> splitsPerSubtask,
      SerializablePipelineOptions options,
      Bounds bounds) {
    this.stepName = stepName;
    this.splitsPerSubtask = splitsPerSubtask;
    this.options = options;
    this.bounds = bounds;
  }

  @Override
  public void open(OperatorContext context, Output output) {
    int index = context.subtaskIndex();
    splits = index < splitsPerSubtask.size() ? splitsPerSubtask.get(index) : List.of();
    subtask = index;
    metrics = context.accumulator(MetricsAccumulator.NAME, MetricsAccumulator::new).stepMap().getContainer(stepName);
    time = context.processingTimeService();
    taskName = context.taskName();
    LOG.debug("{} reads {} splits of unbounded source {}", taskName, splits.size(), stepName);
  }

  @Override
  public Status emitNext(Output output) throws Exception {
    // Readers may update Beam metrics, so they run in the step's container.
    try (Closeable ignored = MetricsEnvironment.scopedMetricsContainer(metrics)) {
      if (readers == null) {
        startReaders();
      }
      int emitted = 0;
      int idleInARow = 0;
      while (emitted < MAX_RECORDS_PER_CALL && !readers.isEmpty() && idleInARow < readers.size()) {
        if (nextReader >= readers.size()) {
          nextReader = 0;
        }
        SplitReader<T> r = readers.get(nextReader);
        boolean hasRecord = r.next();
        long now = bounds == null ? 0 : time.currentTime();
        if (hasRecord) {
          r.lastRecordAt = now;
          UnboundedSource.UnboundedReader<T> reader = r.reader;
          WindowedValue<T> value = WindowedValue.timestampedValueInGlobalWindow(reader.getCurrent(), reader.getCurrentTimestamp());
          output.emit(0, value, value.getTimestamp().getMillis());
          r.emitted++;
          emitted++;
          idleInARow = 0;
        } else {
          idleInARow++;
        }
        if (r.isDone(bounds, now, !hasRecord)) {
          readers.remove(nextReader);
          if (bounds != null) {
            // As Beam's own bounded read does: what was read is acknowledged to the source.
            r.reader.getCheckpointMark().finalizeCheckpoint();
          }
          r.close();
        } else {
          nextReader++;
        }
      }
      if (readers.isEmpty()) {
        LOG.debug("{}: all splits of {} are done", taskName, stepName);
        return Status.END_OF_INPUT;
      }
      // No reader has data now: emitting the watermark costs nothing on the record path, and a
      // reader that pauses at a watermark step sees it go out before its next record.
      maybeEmitWatermark(output, idleInARow >= readers.size());
      if (emitted > 0) {
        return Status.MORE_AVAILABLE;
      }
      scheduleRetry();
      return Status.NOTHING_AVAILABLE;
    }
  }

  @Override
  public CompletableFuture<?> available() {
    return availability == null ? CompletableFuture.completedFuture(null) : availability;
  }

  /**
   * The checkpoint mark of every reader still open, in split order: what a checkpoint of this
   * subtask stores so the readers can resume (taking and finalizing them belongs to the
   * checkpoint issue).
   */
  public List<UnboundedSource.CheckpointMark> checkpointMarks() {
    List<UnboundedSource.CheckpointMark> marks = new ArrayList<>();
    if (readers != null) {
      for (SplitReader<T> r : readers) {
        marks.add(r.reader.getCheckpointMark());
      }
    }
    return marks;
  }

  @Override
  public void finish() throws IOException {
    closeReaders();
  }

  @Override
  public void close() {
    try {
      closeReaders();
    } catch (IOException | RuntimeException e) {
      // close() runs after failure or cancel too; the task's own outcome matters more.
      LOG.warn("{}: failed to close a reader of {}; ignoring it since the task is ending", taskName, stepName, e);
    }
  }

  private void startReaders() throws IOException {
    readers = new ArrayList<>(splits.size());
    long now = time.currentTime();
    for (int i = 0; i < splits.size(); i++) {
      long maxRecords = bounds == null ? Long.MAX_VALUE : bounds.maxRecords(subtask, i);
      if (maxRecords <= 0) {
        continue;
      }
      UnboundedSource.UnboundedReader<T> reader = splits.get(i).createReader(options.get(), null);
      SplitReader<T> r = new SplitReader<>(reader, now, maxRecords);
      readers.add(r);
      r.hasPending = reader.start();
    }
  }

  /**
   * Emits {@code min(reader watermarks)} when it advanced, at most every
   * {@link #WATERMARK_INTERVAL_MS} unless every reader is {@code idle}; a bounded read emits none
   * (the engine sends +infinity at its end).
   */
  private void maybeEmitWatermark(Output output, boolean idle) {
    if (bounds != null) {
      return;
    }
    long now = time.currentTime();
    if (!idle && lastWatermarkTime != Long.MIN_VALUE && now - lastWatermarkTime < WATERMARK_INTERVAL_MS) {
      return;
    }
    long min = Long.MAX_VALUE;
    for (SplitReader<T> r : readers) {
      min = Math.min(min, r.reader.getWatermark().getMillis());
    }
    if (min > lastEmittedWatermark) {
      lastEmittedWatermark = min;
      lastWatermarkTime = now;
      output.emitWatermark(min);
    }
  }

  private void scheduleRetry() {
    if (availability != null && !availability.isDone()) {
      return;
    }
    CompletableFuture<Void> f = new CompletableFuture<>();
    availability = f;
    time.registerTimer(time.currentTime() + BACKOFF_MS, t -> f.complete(null));
  }

  private void closeReaders() throws IOException {
    if (readers == null) {
      return;
    }
    IOException failure = null;
    for (SplitReader<T> r : readers) {
      try {
        r.close();
      } catch (IOException e) {
        failure = e;
      }
    }
    readers.clear();
    if (failure != null) {
      throw failure;
    }
  }

  /** One split's reader and its progress. Mailbox thread only. */
  private static final class SplitReader<T> {
    final UnboundedSource.UnboundedReader<T> reader;
    final long startedAt;
    final long maxRecords;
    /** {@code start()} returned true and that record was not emitted yet. */
    boolean hasPending;
    long emitted;
    /** Processing time of the last record; kept for bounded reads only. */
    long lastRecordAt;

    SplitReader(UnboundedSource.UnboundedReader<T> reader, long startedAt, long maxRecords) {
      this.reader = reader;
      this.startedAt = startedAt;
      this.maxRecords = maxRecords;
      this.lastRecordAt = startedAt;
    }

    /** Moves to the next record; false if the reader has none now. */
    boolean next() throws IOException {
      if (hasPending) {
        hasPending = false;
        return true;
      }
      return reader.advance();
    }

    /**
     * Whether this split is done: its bounds are reached, or (checked only when it had no
     * record, to keep {@code getWatermark()} off the per-record path) its watermark reached
     * the end of time.
     */
    boolean isDone(Bounds bounds, long now, boolean idle) {
      if (bounds != null
          && (emitted >= maxRecords
              || now - startedAt >= bounds.maxReadTimeMillis()
              || now - lastRecordAt >= bounds.maxIdleMillis())) {
        return true;
      }
      return idle && !reader.getWatermark().isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE);
    }

    void close() throws IOException {
      reader.close();
    }
  }
}
