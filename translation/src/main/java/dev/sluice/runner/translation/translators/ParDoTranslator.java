package dev.sluice.runner.translation.translators;

import dev.sluice.engine.serde.JavaSerialization;
import dev.sluice.engine.graph.Partitioning;
import dev.sluice.runner.translation.TransformTranslator;
import dev.sluice.runner.translation.TranslationContext;
import dev.sluice.runner.translation.operators.DoFnOperator;
import dev.sluice.runner.translation.serde.KvKeySelector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.reflect.DoFnSignature;
import org.apache.beam.sdk.transforms.reflect.DoFnSignatures;
import org.apache.beam.sdk.util.construction.PTransformTranslation;
import org.apache.beam.sdk.util.construction.ParDoTranslation;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;

/**
 * {@code ParDo.MultiOutput} ({@code beam:transform:pardo:v1}) -> one {@link DoFnOperator}.
 * Main input on input 0 (FORWARD when parallelism matches, so it chains, else REBALANCE); side
 * input {@code i} on input {@code 1 + i}, BROADCAST from {@code view.getPCollection()} (in
 * streaming through a {@link SideInputMaterialization}, so that it arrives as panes). One
 * output port per output PCollection, the main output first.
 *
 * <p>A keyed DoFn (state, timers, {@code @OnWindowExpiration} or {@code @RequiresTimeSortedInput}):
 * its KV input is HASH-partitioned by the encoded key and the operator keeps per-key state and
 * timers through runners-core's {@code StatefulDoFnRunner}: in batch in memory, in streaming
 * in the engine's keyed state backend (timers fire as the watermark and processing time pass).
 * Splittable DoFns still present after {@code PipelineTranslator.prepare} are rejected here,
 * naming the feature. Bundle finalization is supported by the operator.
 */
public final class ParDoTranslator implements TransformTranslator<ParDo.MultiOutput<?, ?>> {

  @Override
  public void translate(ParDo.MultiOutput<?, ?> transform, TranslationContext context) {
    String name = context.currentName();
    DoFn<?, ?> fn = transform.getFn();
    boolean streaming = context.settings().streaming();
    rejectUnsupported(name, fn);
    AppliedPTransform<?, ?, ?> applied = context.currentTransform();
    PCollection<?> input = context.mainInput();
    Coder<?> keyCoder = null;
    if (isKeyed(fn)) {
      if (!(input.getCoder() instanceof KvCoder<?, ?> kvCoder)) {
        throw new IllegalArgumentException(String.format(
            "Transform '%s' (URN %s) uses state or timers, so its input must be a PCollection of KVs, but its coder is %s",
            name, PTransformTranslation.PAR_DO_TRANSFORM_URN, input.getCoder()));
      }
      keyCoder = kvCoder.getKeyCoder();
    }

    // Ports: main output first, then the additional outputs in declaration order.
    Map<TupleTag<?>, PCollection<?>> outputs = applied.getOutputs();
    List<TupleTag<?>> ordered = new ArrayList<>();
    ordered.add(transform.getMainOutputTag());
    for (TupleTag<?> tag : transform.getAdditionalOutputTags().getAll()) {
      if (!ordered.contains(tag)) {
        ordered.add(tag);
      }
    }
    for (TupleTag<?> tag : outputs.keySet()) {
      if (!ordered.contains(tag)) {
        ordered.add(tag);
      }
    }
    Map<TupleTag<?>, Integer> ports = new HashMap<>();
    Map<TupleTag<?>, Coder<?>> outputCoders = new HashMap<>();
    List<String> outputNames = new ArrayList<>();
    for (TupleTag<?> tag : ordered) {
      PCollection<?> pc = outputs.get(tag);
      if (pc != null) {
        ports.put(tag, ports.size());
        outputCoders.put(tag, pc.getCoder());
        outputNames.add(pc.getName());
      }
    }
    List<TupleTag<?>> additional = new ArrayList<>(ordered.subList(1, ordered.size()));
    List<PCollectionView<?>> sideInputs = new ArrayList<>(transform.getSideInputs().values());

    DoFnOperator.Spec spec = new DoFnOperator.Spec(
        name,
        JavaSerialization.serialize(fn),
        new SerializablePipelineOptions(context.settings().pipelineOptions()),
        input.getCoder(),
        transform.getMainOutputTag(),
        additional,
        outputCoders,
        ports,
        input.getWindowingStrategy(),
        ParDoTranslation.getSchemaInformation(applied),
        new LinkedHashMap<>(ParDoTranslation.getSideInputMapping(applied)),
        sideInputs,
        (int) Math.min(Integer.MAX_VALUE, context.settings().maxBundleSize()),
        keyCoder,
        context.settings().maxBundleTimeMillis(),
        outputNames);
    int[] materialized = new int[sideInputs.size()];
    for (int i = 0; streaming && i < sideInputs.size(); i++) {
      materialized[i] = SideInputMaterialization.add(context, name, i, sideInputs.get(i));
    }
    int node = context.addOperator(
        name, () -> new DoFnOperator(spec, streaming), context.parallelism(), 1 + sideInputs.size(), Math.max(1, ports.size()));
    if (keyCoder == null) {
      context.connectForwardOrRebalance(input, node, 0);
    } else {
      context.connect(input, node, 0, Partitioning.hash(new KvKeySelector<>(keyCoder)));
    }
    for (int i = 0; i < sideInputs.size(); i++) {
      if (streaming) {
        SideInputMaterialization.connect(context, materialized[i], sideInputs.get(i), node, 1 + i);
      } else {
        context.connect(sideInputs.get(i).getPCollection(), node, 1 + i, Partitioning.broadcast());
      }
    }
    for (Map.Entry<TupleTag<?>, Integer> e : ports.entrySet()) {
      context.setProducer(outputs.get(e.getKey()), node, e.getValue());
    }
  }

  /** Whether the DoFn needs per-key state and timers (and so a KV input partitioned by key). */
  private static boolean isKeyed(DoFn<?, ?> fn) {
    DoFnSignature signature = DoFnSignatures.signatureForDoFn(fn);
    return signature.usesState() || signature.usesTimers() || signature.onWindowExpiration() != null
        || DoFnSignatures.requiresTimeSortedInput(fn);
  }

  private static void rejectUnsupported(String name, DoFn<?, ?> fn) {
    String feature = null;
    if (DoFnSignatures.isSplittable(fn)) {
      feature = "a splittable DoFn";
    }
    if (feature != null) {
      throw new UnsupportedOperationException(String.format(
          "Sluice cannot run transform '%s' (URN %s, DoFn %s): %s is not supported yet",
          name, PTransformTranslation.PAR_DO_TRANSFORM_URN, fn.getClass().getName(), feature));
    }
  }
}
