package dev.sluice.runner.translation;

import dev.sluice.engine.api.OperatorFactory;
import dev.sluice.engine.graph.JobGraphBuilder;
import dev.sluice.engine.graph.Partitioning;
import dev.sluice.engine.serde.TypeSerializer;
import dev.sluice.runner.translation.serde.CoderTypeSerializer;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * State of one pipeline translation: the graph being built and, for each translated
 * {@link PCollection}, the operator output port that produces it. Values on every edge are
 * {@code WindowedValue}s encoded with the PCollection's full windowed-value coder.
 */
public final class TranslationContext {

  /** Output port {@code port} of graph node {@code node}. */
  public record Producer(int node, int port) {}

  private final SluiceTranslationSettings settings;
  private final JobGraphBuilder builder;
  private final Map<PCollection<?>, Producer> producers = new HashMap<>();
  private AppliedPTransform<?, ?, ?> currentTransform;

  public TranslationContext(SluiceTranslationSettings settings, JobGraphBuilder builder) {
    this.settings = settings;
    this.builder = builder;
  }

  public SluiceTranslationSettings settings() {
    return settings;
  }

  public JobGraphBuilder builder() {
    return builder;
  }

  public int parallelism() {
    return settings.parallelism();
  }

  void setCurrentTransform(AppliedPTransform<?, ?, ?> transform) {
    this.currentTransform = transform;
  }

  public AppliedPTransform<?, ?, ?> currentTransform() {
    return currentTransform;
  }

  /** The full name of the transform being translated, e.g. {@code "WordCount/Count/Combine"}. */
  public String currentName() {
    return currentTransform.getFullName();
  }

  /** The only main (non-side) input of the current transform. */
  @SuppressWarnings("unchecked")
  public <T> PCollection<T> mainInput() {
    Map<TupleTag<?>, PCollection<?>> inputs = currentTransform.getMainInputs();
    if (inputs.size() != 1) {
      throw new IllegalStateException(currentName() + " has " + inputs.size() + " main inputs, expected 1");
    }
    return (PCollection<T>) inputs.values().iterator().next();
  }

  /** The only output of the current transform. */
  @SuppressWarnings("unchecked")
  public <T> PCollection<T> output() {
    Map<TupleTag<?>, PCollection<?>> outputs = currentTransform.getOutputs();
    if (outputs.size() != 1) {
      throw new IllegalStateException(currentName() + " has " + outputs.size() + " outputs, expected 1");
    }
    return (PCollection<T>) outputs.values().iterator().next();
  }

  public int addOperator(String name, OperatorFactory factory, int parallelism, int inputs, int outputPorts) {
    return builder.addOperator(name, factory, parallelism, inputs, outputPorts);
  }

  /** Records that {@code pc} is produced at output {@code port} of {@code node}. */
  public void setProducer(PCollection<?> pc, int node, int port) {
    producers.put(pc, new Producer(node, port));
  }

  /** For transforms that pass their input through unchanged: {@code out} is {@code in}. */
  public void alias(PCollection<?> out, PCollection<?> in) {
    producers.put(out, producerOf(in));
  }

  public Producer producerOf(PValue pc) {
    Producer p = producers.get(pc);
    if (p == null) {
      throw new IllegalStateException(
          "No operator produces " + pc.getName() + " (consumed by " + currentName() + "): its producer was not translated");
    }
    return p;
  }

  /** Feeds {@code pc} into input {@code input} of {@code targetNode}, encoded with its windowed-value coder. */
  public void connect(PCollection<?> pc, int targetNode, int input, Partitioning partitioning) {
    Producer p = producerOf(pc);
    builder.connect(p.node(), p.port(), targetNode, input, partitioning, new CoderTypeSerializer<>(windowedValueCoder(pc)));
  }

  /** Feeds {@code pc} into input {@code input} of {@code targetNode}, written by {@code serializer}. */
  public void connect(
      PCollection<?> pc, int targetNode, int input, Partitioning partitioning, TypeSerializer<?> serializer) {
    Producer p = producerOf(pc);
    builder.connect(p.node(), p.port(), targetNode, input, partitioning, serializer);
  }

  /** The parallelism of the operator that produces {@code pc}. */
  public int producerParallelism(PCollection<?> pc) {
    return builder.parallelism(producerOf(pc).node());
  }

  /**
   * Feeds {@code pc} into a stateless consumer: FORWARD (chainable) when the producer has the
   * consumer's parallelism, else REBALANCE (e.g. behind a parallelism-1 Impulse).
   */
  public void connectForwardOrRebalance(PCollection<?> pc, int targetNode, int input) {
    Partitioning p = producerParallelism(pc) == builder.parallelism(targetNode) ? Partitioning.forward() : Partitioning.rebalance();
    connect(pc, targetNode, input, p);
  }

  /** The coder of {@code WindowedValue}s of {@code pc}: element coder plus its window coder. */
  public static <T> Coder<WindowedValue<T>> windowedValueCoder(PCollection<T> pc) {
    return WindowedValue.getFullCoder(pc.getCoder(), pc.getWindowingStrategy().getWindowFn().windowCoder());
  }

  /**
   * Feeds output {@code port} of {@code sourceNode} into input {@code input} of
   * {@code targetNode}, encoded as {@code WindowedValue}s of {@code elementCoder} in windows of
   * {@code windowCoder}: for edges that carry no PCollection (e.g. partial combine accumulators).
   */
  public void connect(
      int sourceNode,
      int port,
      Coder<?> elementCoder,
      Coder<? extends BoundedWindow> windowCoder,
      int targetNode,
      int input,
      Partitioning partitioning) {
    builder.connect(sourceNode, port, targetNode, input, partitioning,
        new CoderTypeSerializer<>(WindowedValue.getFullCoder(elementCoder, windowCoder)));
  }

  /** Feeds output {@code port} of {@code sourceNode} into input {@code input} of {@code targetNode}, written by {@code serializer}. */
  public void connect(
      int sourceNode, int port, int targetNode, int input, Partitioning partitioning, TypeSerializer<?> serializer) {
    builder.connect(sourceNode, port, targetNode, input, partitioning, serializer);
  }
}
