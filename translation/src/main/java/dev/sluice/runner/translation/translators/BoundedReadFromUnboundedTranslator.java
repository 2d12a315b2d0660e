package dev.sluice.runner.translation.translators;

import dev.sluice.runner.translation.TransformTranslator;
import dev.sluice.runner.translation.TranslationContext;
import dev.sluice.runner.translation.operators.UnboundedSourceOperator;
import java.lang.reflect.Field;
import java.util.List;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.io.BoundedReadFromUnboundedSource;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.joda.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BoundedReadFromUnboundedSource} ({@code GenerateSequence...withMaxNumRecords/
 * withMaxReadTime}, {@code Read.from(unbounded).withMaxNumRecords}), translated whole: one
 * {@link UnboundedSourceOperator} with {@link UnboundedSourceOperator.Bounds} reads all splits
 * of a subtask interleaved. Beam's own expansion reads each split in a ParDo to its bound, one
 * after the other, so a read bounded by time took {@code splits x maxReadTime} per subtask.
 *
 * <p>Same bounds as Beam's expansion: the source is split into {@code min(100, maxNumRecords /
 * 10000 + 1)} splits (at least the parallelism); each split reads an equal share of
 * {@code maxNumRecords}, for at most {@code maxReadTime}, and stops after
 * {@link #MAX_IDLE_MILLIS} without a record (where Beam's expansion gives up) or once its
 * watermark reached the end of time.
 *
 * <p>Sources that require deduplication by record id are left to Beam's expansion.
 */
public final class BoundedReadFromUnboundedTranslator implements TransformTranslator<BoundedReadFromUnboundedSource<?>> {

  private static final Logger LOG = LoggerFactory.getLogger(BoundedReadFromUnboundedTranslator.class);

  /**
   * A split without a record for this long is done: Beam's ReadFn backs off up to its
   * backoff's cumulative limit, one day, before it gives up on a split.
   */
  static final long MAX_IDLE_MILLIS = 24 * 60 * 60 * 1000L;
  private static final int MAX_SPLITS = 100;
  private static final long RECORDS_PER_SPLIT = 10_000;

  @Override
  public boolean canTranslate(BoundedReadFromUnboundedSource<?> transform, TranslationContext context) {
    try {
      return !source(transform).requiresDeduping();
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("Cannot read the bounds of '{}'; running Beam's expansion of it instead", context.currentName(), e);
      return false;
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public void translate(BoundedReadFromUnboundedSource<?> transform, TranslationContext context) throws Exception {
    UnboundedSource<Object, ?> source = (UnboundedSource<Object, ?>) source(transform);
    long maxNumRecords = (Long) field("maxNumRecords").get(transform);
    Duration maxReadTime = (Duration) field("maxReadTime").get(transform);
    String name = context.currentName();
    int parallelism = context.parallelism();
    PipelineOptions options = context.settings().pipelineOptions();

    int desiredSplits = (int) Math.max(parallelism, Math.min(MAX_SPLITS, maxNumRecords / RECORDS_PER_SPLIT + 1));
    List<UnboundedSource<Object, ?>> splits = ReadUnboundedTranslator.split(name, source, desiredSplits, options);
    long[] shares = shares(maxNumRecords, splits.size());
    List<List<UnboundedSource<Object, ?>>> assignment = ReadUnboundedTranslator.assign(splits, parallelism);
    long[][] sharesPerSubtask = new long[parallelism][];
    for (int s = 0; s < parallelism; s++) {
      sharesPerSubtask[s] = new long[assignment.get(s).size()];
      for (int i = 0; i < sharesPerSubtask[s].length; i++) {
        sharesPerSubtask[s][i] = shares[s + i * parallelism];
      }
    }
    long readTime = maxReadTime == null ? Long.MAX_VALUE : maxReadTime.getMillis();
    UnboundedSourceOperator.Bounds bounds = new UnboundedSourceOperator.Bounds(sharesPerSubtask, readTime, MAX_IDLE_MILLIS);
    SerializablePipelineOptions serializableOptions = new SerializablePipelineOptions(options);
    int node = context.addOperator(
        name, () -> new UnboundedSourceOperator<>(name, assignment, serializableOptions, bounds), parallelism, 0, 1);
    context.setProducer(context.output(), node, 0);
  }

  /** {@code total} in {@code n} near-equal parts that sum to it (the first ones one larger). */
  static long[] shares(long total, int n) {
    long[] shares = new long[n];
    for (int i = 0; i < n; i++) {
      shares[i] = total / n + (i < total % n ? 1 : 0);
    }
    return shares;
  }

  private static UnboundedSource<?, ?> source(BoundedReadFromUnboundedSource<?> transform) throws ReflectiveOperationException {
    return (UnboundedSource<?, ?>) field("source").get(transform);
  }

  /** The transform exposes its bounds only in display data; its fields are the exact values. */
  private static Field field(String name) throws NoSuchFieldException {
    Field f = BoundedReadFromUnboundedSource.class.getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }
}
