package dev.sluice.runner.translation.translators;

import dev.sluice.engine.graph.Partitioning;
import dev.sluice.runner.translation.TransformTranslator;
import dev.sluice.runner.translation.TranslationContext;
import dev.sluice.runner.translation.operators.AccumulatorMergingFn;
import dev.sluice.runner.translation.operators.FinalCombineOperator;
import dev.sluice.runner.translation.operators.PartialCombineOperator;
import dev.sluice.runner.translation.operators.StreamingGroupByKeyOperator;
import dev.sluice.runner.translation.serde.KeyedStreamSerializer;
import dev.sluice.runner.translation.serde.KvKeySelector;
import java.util.List;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.CombineFnBase.GlobalCombineFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.AfterAll;
import org.apache.beam.sdk.transforms.windowing.AfterEach;
import org.apache.beam.sdk.transforms.windowing.AfterFirst;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.Never;
import org.apache.beam.sdk.transforms.windowing.OrFinallyTrigger;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Trigger;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.TimestampTransform;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.util.AppliedCombineFn;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowingStrategy;

/**
 * Combine.perKey as a lifted combine (batch): a {@link PartialCombineOperator} chained after the
 * producer folds inputs into accumulators, a HASH exchange on the key, then a
 * {@link FinalCombineOperator} merges them and extracts the outputs.
 *
 * <p>Taken only when that gives exactly what GroupByKey + Combine.GroupedValues gives: the
 * default trigger (so there is one pane per window), no side inputs, and an accumulator coder.
 * Merging windows (sessions) are merged per key on both sides ({@code MergingWindowAccumulators}):
 * as far as its inputs allow before the shuffle, and finally after it. Anything else falls back to
 * the expansion.
 *
 * <p>Streaming: a HASH exchange on the key into a {@link StreamingGroupByKeyOperator#combining}
 * GroupByKey, whose ReduceFnRunner keeps one accumulator per key and window
 * ({@code SystemReduceFn.combining}, as Beam's Flink runner does) instead of buffering every value
 * until the pane fires; any windowing and trigger. Needs no side inputs and an accumulator coder.
 * Where pre-combining cannot change what panes contain ({@link #liftableInStreaming}), the combine
 * is lifted there too: a {@link PartialCombineOperator} chained after the producer folds inputs into
 * partial accumulators (flushed, if the trigger has processing-time parts, after a tenth of
 * their shortest delay ({@link #streamingFlushMillis}), before any watermark that would pass them, and on size), and the GroupByKey merges partials
 * ({@link AccumulatorMergingFn}).
 */
public final class CombinePerKeyTranslator<K, InputT, OutputT>
    implements TransformTranslator<Combine.PerKey<K, InputT, OutputT>> {

  /**
   * Streaming: the shortest processing-time delay of a trigger under which a combine is still
   * lifted. A partial is held for a tenth of the trigger's shortest delay (so a pane sees its
   * inputs at most that much later), but longer while the producing task is busy (its flush runs on
   * the task thread), so with a short delay a pane would visibly come later or hold less.
   */
  static final long STREAMING_MIN_PROCESSING_DELAY_MILLIS = 1000;

  /** Streaming: (key, window) partials held per pre-combining subtask before they are flushed. */
  static final int STREAMING_MAX_ENTRIES = 50_000;

  @Override
  public boolean canTranslate(Combine.PerKey<K, InputT, OutputT> transform, TranslationContext context) {
    if (!transform.getSideInputs().isEmpty()) {
      return false;
    }
    PCollection<KV<K, InputT>> input = context.mainInput();
    WindowingStrategy<?, ?> windowing = input.getWindowingStrategy();
    if (!context.settings().streaming()
        && !(windowing.getTrigger() instanceof DefaultTrigger)) {
      return false;
    }
    if (!(input.getCoder() instanceof KvCoder)) {
      return false;
    }
    try {
      accumulatorCoder(transform, input);
      return true;
    } catch (CannotProvideCoderException e) {
      return false;
    }
  }

  @Override
  public void translate(Combine.PerKey<K, InputT, OutputT> transform, TranslationContext context) throws Exception {
    PCollection<KV<K, InputT>> input = context.mainInput();
    KvCoder<K, InputT> kvCoder = GroupByKeyTranslator.kvCoder(input, context);
    Coder<K> keyCoder = kvCoder.getKeyCoder();
    Coder<?> accumCoder = accumulatorCoder(transform, input);
    GlobalCombineFn<?, ?, ?> fn = transform.getFn();
    WindowingStrategy<?, ?> windowing = input.getWindowingStrategy();
    TimestampCombiner timestampCombiner = windowing.getTimestampCombiner();
    SerializablePipelineOptions options = new SerializablePipelineOptions(context.settings().pipelineOptions());
    if (context.settings().streaming()) {
      translateStreaming(transform, context, kvCoder, accumCoder, options);
      return;
    }
    int maxEntries = PartialCombineOperator.DEFAULT_MAX_ENTRIES;
    WindowFn<?, ?> windowFn = windowing.getWindowFn();

    int partial = context.addOperator(context.currentName() + " (partial)",
        () -> PartialCombineOperator.<K, InputT, Object>forWindows(keyCoder, fn, timestampCombiner, options, maxEntries, 0, windowFn),
        context.producerParallelism(input), 1, 1);
    context.connect(input, partial, 0, Partitioning.forward());

    int merge = context.addOperator(context.currentName(),
        () -> FinalCombineOperator.<K, Object, OutputT>forWindows(keyCoder, fn, timestampCombiner, options, windowFn),
        context.parallelism(), 1, 1);
    context.connect(partial, 0, KvCoder.of(keyCoder, accumCoder), windowing.getWindowFn().windowCoder(),
        merge, 0, Partitioning.hash(new KvKeySelector<>(keyCoder)));
    context.setProducer(context.output(), merge, 0);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void translateStreaming(
      Combine.PerKey<K, InputT, OutputT> transform,
      TranslationContext context,
      KvCoder<K, InputT> kvCoder,
      Coder<?> accumCoder,
      SerializablePipelineOptions options) {
    PCollection<KV<K, InputT>> input = context.mainInput();
    WindowingStrategy<?, BoundedWindow> windowing = (WindowingStrategy<?, BoundedWindow>) input.getWindowingStrategy();
    Coder<K> keyCoder = kvCoder.getKeyCoder();
    Coder<? extends BoundedWindow> windowCoder = windowing.getWindowFn().windowCoder();
    String name = context.currentName();
    GlobalCombineFn<?, ?, ?> fn = transform.getFn();
    if (!liftableInStreaming(windowing)) {
      Coder<InputT> valueCoder = kvCoder.getValueCoder();
      AppliedCombineFn<K, InputT, ?, OutputT> applied = AppliedCombineFn.withAccumulatorCoder(
          (GlobalCombineFn) fn, (Coder) accumCoder, List.of(), kvCoder, windowing);
      int node = addCombiningGroupByKey(context, keyCoder, valueCoder, applied, windowing, options);
      context.connect(input, node, 0, Partitioning.hash(new KvKeySelector<>(keyCoder)),
          new KeyedStreamSerializer<>(keyCoder, WindowedValue.getFullCoder(valueCoder, windowCoder)));
      return;
    }
    TimestampCombiner timestampCombiner = windowing.getTimestampCombiner();
    long flushMillis = streamingFlushMillis(windowing.getTrigger());
    WindowFn<?, ?> windowFn = windowing.getWindowFn();
    int partial = context.addOperator(name + " (partial)",
        () -> PartialCombineOperator.<K, InputT, Object>forWindows(
            keyCoder, fn, timestampCombiner, options, STREAMING_MAX_ENTRIES, flushMillis, windowFn),
        context.producerParallelism(input), 1, 1);
    context.connect(input, partial, 0, Partitioning.forward());
    Coder<Object> partialCoder = (Coder<Object>) accumCoder;
    AppliedCombineFn<K, Object, ?, OutputT> merging = AppliedCombineFn.withAccumulatorCoder(
        new AccumulatorMergingFn<Object, OutputT>(fn, options), partialCoder, List.of(),
        KvCoder.of(keyCoder, partialCoder), windowing);
    int node = addCombiningGroupByKey(context, keyCoder, partialCoder, merging, windowing, options);
    context.connect(partial, 0, node, 0, Partitioning.hash(new KvKeySelector<>(keyCoder)),
        new KeyedStreamSerializer<>(keyCoder, WindowedValue.getFullCoder(partialCoder, windowCoder)));
  }

  /** The streaming combining GroupByKey, producing this transform's output; its input is left to connect. */
  private static <K, V, OutputT> int addCombiningGroupByKey(
      TranslationContext context,
      Coder<K> keyCoder,
      Coder<V> valueCoder,
      AppliedCombineFn<K, V, ?, OutputT> applied,
      WindowingStrategy<?, BoundedWindow> windowing,
      SerializablePipelineOptions options) {
    String name = context.currentName();
    int node = context.addOperator(name,
        () -> StreamingGroupByKeyOperator.combining(name, keyCoder, valueCoder, applied, windowing, options),
        context.parallelism(), 1, 1);
    context.setProducer(context.output(), node, 0);
    return node;
  }

  /**
   * Whether pre-combining before the shuffle leaves every pane as it would be without it: a
   * trigger that never counts elements ({@code AfterPane.elementCountAtLeast} would count
   * partials) nor fires on synchronized processing time (a continuation trigger, which follows
   * its upstream's panes one by one), and whose processing-time parts wait at least
   * {@value #STREAMING_MIN_PROCESSING_DELAY_MILLIS} ms after the first element and are not aligned
   * to a period (see that constant). Watermark triggers and composites of these are fine: partials
   * reach the GroupByKey before any watermark that would pass them. Merging windows (sessions) are
   * merged as far as the partial's own inputs allow and again by the GroupByKey, which merges
   * windows incrementally anyway.
   */
  static boolean liftableInStreaming(WindowingStrategy<?, ?> windowing) {
    return countsNeitherElementsNorSynchronizedTime(windowing.getTrigger());
  }

  private static boolean countsNeitherElementsNorSynchronizedTime(Trigger trigger) {
    boolean known = trigger instanceof DefaultTrigger
        || trigger instanceof AfterWatermark.FromEndOfWindow
        || trigger instanceof AfterWatermark.AfterWatermarkEarlyAndLate
        || trigger instanceof AfterProcessingTime
        || trigger instanceof Repeatedly
        || trigger instanceof AfterFirst
        || trigger instanceof AfterAll
        || trigger instanceof AfterEach
        || trigger instanceof OrFinallyTrigger
        || trigger instanceof Never.NeverTrigger;
    if (!known) {
      return false;
    }
    if (trigger instanceof AfterProcessingTime processingTime && !delaysLongEnough(processingTime)) {
      return false;
    }
    for (Trigger sub : trigger.subTriggers()) {
      if (!countsNeitherElementsNorSynchronizedTime(sub)) {
        return false;
      }
    }
    return true;
  }

  private static boolean delaysLongEnough(AfterProcessingTime trigger) {
    return delayMillis(trigger) >= STREAMING_MIN_PROCESSING_DELAY_MILLIS;
  }

  /** The total delay of a processing-time trigger; -1 if it is aligned to a period. */
  private static long delayMillis(AfterProcessingTime trigger) {
    long delay = 0;
    for (TimestampTransform transform : trigger.getTimestampTransforms()) {
      if (!(transform instanceof TimestampTransform.Delay d)) {
        return -1; // aligned to a period: a held partial could land in the next period's pane
      }
      delay += d.getDelay().getMillis();
    }
    return delay;
  }

  /**
   * How long (ms of processing time) a lifted streaming combine holds partials: a tenth of the
   * shortest processing-time delay in the (liftable) trigger, or 0 (never on time, only on size,
   * watermark and end) when nothing in the trigger looks at processing time: then a partial held
   * longer changes no pane, since it always reaches the GroupByKey before the watermark that
   * would fire or expire its window.
   */
  static long streamingFlushMillis(Trigger trigger) {
    long shortest = shortestDelayMillis(trigger);
    return shortest == Long.MAX_VALUE ? 0 : Math.max(1, shortest / 10);
  }

  private static long shortestDelayMillis(Trigger trigger) {
    long shortest = trigger instanceof AfterProcessingTime processingTime ? delayMillis(processingTime) : Long.MAX_VALUE;
    for (Trigger sub : trigger.subTriggers()) {
      shortest = Math.min(shortest, shortestDelayMillis(sub));
    }
    return shortest;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <K, InputT> Coder<?> accumulatorCoder(Combine.PerKey<K, InputT, ?> transform, PCollection<KV<K, InputT>> input)
      throws CannotProvideCoderException {
    Coder<InputT> valueCoder = ((KvCoder<K, InputT>) input.getCoder()).getValueCoder();
    GlobalCombineFn fn = transform.getFn();
    return fn.getAccumulatorCoder(input.getPipeline().getCoderRegistry(), valueCoder);
  }
}
