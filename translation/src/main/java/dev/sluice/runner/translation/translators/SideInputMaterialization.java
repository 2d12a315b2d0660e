package dev.sluice.runner.translation.translators;

import dev.sluice.engine.graph.Partitioning;
import dev.sluice.runner.translation.TranslationContext;
import dev.sluice.runner.translation.operators.SideInputMaterializeOperator;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.IterableCoder;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.PCollectionViews;
import org.apache.beam.sdk.values.WindowingStrategy;

/**
 * Streaming side inputs: {@code view.getPCollection()} -> a {@link SideInputMaterializeOperator}
 * at parallelism 1 (panes of the whole view per window, as its windowing strategy fires) ->
 * BROADCAST into the reading ParDo's side input. The ParDo replaces a window's view contents
 * with each pane, so it needs the panes whole; in batch the ParDo gathers the side input itself
 * until it ends.
 */
final class SideInputMaterialization {

  private SideInputMaterialization() {}

  /**
   * Adds the materializing operator of side input {@code index} of the ParDo {@code parDoName}
   * and feeds it {@code view.getPCollection()}; returns its node. Call before the ParDo's own
   * node is added (the graph is built in topological order), then {@link #connect}.
   */
  @SuppressWarnings("unchecked")
  static int add(TranslationContext context, String parDoName, int index, PCollectionView<?> view) {
    PCollection<Object> pc = (PCollection<Object>) view.getPCollection();
    WindowingStrategy<?, BoundedWindow> windowing =
        materializationWindowing(view, (WindowingStrategy<?, BoundedWindow>) pc.getWindowingStrategy());
    Coder<Object> valueCoder = pc.getCoder();
    SerializablePipelineOptions options = new SerializablePipelineOptions(context.settings().pipelineOptions());
    String name = parDoName + "/MaterializeSideInput" + index;
    int node = context.addOperator(name,
        () -> new SideInputMaterializeOperator<>(name, valueCoder, windowing, options), 1, 1, 1);
    context.connectForwardOrRebalance(pc, node, 0);
    return node;
  }

  /**
   * How the view's panes are cut. A singleton view of a triggered collection shows its latest
   * element: every element is a pane of its own (discarding), so a pane never holds two values
   * only because two upstream firings (e.g. of a triggered {@code Combine.globally}) arrived
   * between two firings of ours, which would fail the read with "more than one element". Every
   * other view keeps its collection's own trigger, and a singleton under the default trigger
   * still fails when its window really holds several elements.
   */
  static WindowingStrategy<?, BoundedWindow> materializationWindowing(
      PCollectionView<?> view, WindowingStrategy<?, BoundedWindow> windowing) {
    boolean singleton = view.getViewFn() instanceof PCollectionViews.SingletonViewFn2
        || view.getViewFn() instanceof PCollectionViews.SingletonViewFn;
    if (!singleton || windowing.getTrigger() instanceof DefaultTrigger) {
      return windowing;
    }
    return windowing
        .withTrigger(Repeatedly.forever(AfterPane.elementCountAtLeast(1)))
        .withMode(WindowingStrategy.AccumulationMode.DISCARDING_FIRED_PANES);
  }

  /** Broadcasts the panes of {@code materializeNode} into input {@code input} of {@code parDoNode}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static void connect(TranslationContext context, int materializeNode, PCollectionView<?> view, int parDoNode, int input) {
    PCollection<Object> pc = (PCollection<Object>) view.getPCollection();
    context.connect(materializeNode, 0, IterableCoder.of(pc.getCoder()),
        (Coder) pc.getWindowingStrategy().getWindowFn().windowCoder(), parDoNode, input, Partitioning.broadcast());
  }
}
