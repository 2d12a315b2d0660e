package dev.sluice.runner.translation.translators;

import dev.sluice.engine.graph.Partitioning;
import dev.sluice.runner.translation.TransformTranslator;
import dev.sluice.runner.translation.TranslationContext;
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
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
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
 * <p>Taken only when that gives exactly what GroupByKey + Combine.GroupedValues gives:
 * non-merging windows (merging windows need the merged window set, which only the GBK computes),
 * the default trigger (so there is one pane per window), no side inputs, and an accumulator
 * coder. Anything else falls back to the expansion.
 *
 * <p>Streaming: a HASH exchange on the key into a {@link StreamingGroupByKeyOperator#combining}
 * GroupByKey, whose ReduceFnRunner keeps one accumulator per key and window
 * ({@code SystemReduceFn.combining}, as Beam's Flink runner does) instead of buffering every value
 * until the pane fires; any windowing and trigger. Needs no side inputs and an accumulator coder.
 */
public final class CombinePerKeyTranslator<K, InputT, OutputT>
    implements TransformTranslator<Combine.PerKey<K, InputT, OutputT>> {

  @Override
  public boolean canTranslate(Combine.PerKey<K, InputT, OutputT> transform, TranslationContext context) {
    if (!transform.getSideInputs().isEmpty()) {
      return false;
    }
    PCollection<KV<K, InputT>> input = context.mainInput();
    WindowingStrategy<?, ?> windowing = input.getWindowingStrategy();
    if (!context.settings().streaming()
        && (!windowing.getWindowFn().isNonMerging() || !(windowing.getTrigger() instanceof DefaultTrigger))) {
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

    int partial = context.addOperator(context.currentName() + " (partial)",
        () -> new PartialCombineOperator<K, InputT, Object>(keyCoder, fn, timestampCombiner, options, maxEntries),
        context.producerParallelism(input), 1, 1);
    context.connect(input, partial, 0, Partitioning.forward());

    int merge = context.addOperator(context.currentName(),
        () -> new FinalCombineOperator<K, Object, OutputT>(keyCoder, fn, timestampCombiner, options),
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
    AppliedCombineFn<K, InputT, ?, OutputT> applied = AppliedCombineFn.withAccumulatorCoder(
        (GlobalCombineFn) transform.getFn(), (Coder) accumCoder, List.of(), kvCoder, windowing);
    Coder<K> keyCoder = kvCoder.getKeyCoder();
    Coder<InputT> valueCoder = kvCoder.getValueCoder();
    String name = context.currentName();
    int node = context.addOperator(name,
        () -> StreamingGroupByKeyOperator.combining(name, keyCoder, valueCoder, applied, windowing, options),
        context.parallelism(), 1, 1);
    context.connect(input, node, 0, Partitioning.hash(new KvKeySelector<>(keyCoder)), new KeyedStreamSerializer<>(
        keyCoder, WindowedValue.getFullCoder(valueCoder, windowing.getWindowFn().windowCoder())));
    context.setProducer(context.output(), node, 0);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <K, InputT> Coder<?> accumulatorCoder(Combine.PerKey<K, InputT, ?> transform, PCollection<KV<K, InputT>> input)
      throws CannotProvideCoderException {
    Coder<InputT> valueCoder = ((KvCoder<K, InputT>) input.getCoder()).getValueCoder();
    GlobalCombineFn fn = transform.getFn();
    return fn.getAccumulatorCoder(input.getPipeline().getCoderRegistry(), valueCoder);
  }
}
