package dev.sluice.runner.translation.translators;

import dev.sluice.engine.graph.Partitioning;
import dev.sluice.runner.translation.TransformTranslator;
import dev.sluice.runner.translation.TranslationContext;
import dev.sluice.runner.translation.operators.BatchGroupByKeyOperator;
import dev.sluice.runner.translation.operators.StreamingGroupByKeyOperator;
import dev.sluice.runner.translation.serde.KeyedStreamSerializer;
import dev.sluice.runner.translation.serde.KeyedWindowedValueSerializer;
import dev.sluice.runner.translation.serde.KvKeySelector;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowingStrategy;

/**
 * GroupByKey: a {@link BatchGroupByKeyOperator} (batch) or {@link StreamingGroupByKeyOperator}
 * (streaming) behind a HASH edge on the encoded key,
 * so all values of a key meet in one subtask.
 */
public final class GroupByKeyTranslator<K, V> implements TransformTranslator<GroupByKey<K, V>> {

  @Override
  @SuppressWarnings("unchecked")
  public void translate(GroupByKey<K, V> transform, TranslationContext context) {
    PCollection<KV<K, V>> input = context.mainInput();
    KvCoder<K, V> kvCoder = kvCoder(input, context);
    WindowingStrategy<?, BoundedWindow> windowing = (WindowingStrategy<?, BoundedWindow>) input.getWindowingStrategy();
    Coder<K> keyCoder = kvCoder.getKeyCoder();
    Coder<V> valueCoder = kvCoder.getValueCoder();
    SerializablePipelineOptions options = new SerializablePipelineOptions(context.settings().pipelineOptions());
    String name = context.currentName();
    int node = context.settings().streaming()
        ? context.addOperator(name,
            () -> new StreamingGroupByKeyOperator<>(name, keyCoder, valueCoder, windowing, options),
            context.parallelism(), 1, 1)
        : context.addOperator(name,
            () -> new BatchGroupByKeyOperator<>(keyCoder, valueCoder, windowing, options), context.parallelism(), 1, 1);
    Partitioning byKey = Partitioning.hash(new KvKeySelector<>(kvCoder.getKeyCoder()));
    if (context.settings().streaming()) {
      // The key travels encoded once: it routes the record and keys the operator's state.
      context.connect(input, node, 0, byKey, new KeyedStreamSerializer<>(
          keyCoder, WindowedValue.getFullCoder(valueCoder, windowing.getWindowFn().windowCoder())));
    } else {
      // The batch operator groups encoded keys and values: let the exchange deliver them encoded.
      context.connect(input, node, 0, byKey, new KeyedWindowedValueSerializer<>(
          keyCoder, WindowedValue.getFullCoder(valueCoder, windowing.getWindowFn().windowCoder())));
    }
    context.setProducer(context.output(), node, 0);
  }

  /** The KvCoder of a keyed input, or a message naming the transform. */
  @SuppressWarnings("unchecked")
  static <K, V> KvCoder<K, V> kvCoder(PCollection<KV<K, V>> input, TranslationContext context) {
    Coder<?> coder = input.getCoder();
    if (!(coder instanceof KvCoder)) {
      throw new IllegalArgumentException(
          context.currentName() + " needs a KvCoder on its input " + input.getName() + ", found " + coder);
    }
    return (KvCoder<K, V>) coder;
  }
}
