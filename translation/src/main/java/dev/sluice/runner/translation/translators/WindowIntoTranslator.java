package dev.sluice.runner.translation.translators;

import dev.sluice.engine.graph.Partitioning;
import dev.sluice.runner.translation.TransformTranslator;
import dev.sluice.runner.translation.TranslationContext;
import dev.sluice.runner.translation.operators.AssignWindowsOperator;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.values.PCollection;

/**
 * Window.Assign: an {@link AssignWindowsOperator} chained after the producer. (A Window that
 * only changes trigger or lateness expands to a Flatten, not to Window.Assign; a null WindowFn
 * is still treated as "keep the windows", defensively.)
 */
public final class WindowIntoTranslator<T> implements TransformTranslator<Window.Assign<T>> {

  @Override
  @SuppressWarnings("unchecked")
  public void translate(Window.Assign<T> transform, TranslationContext context) {
    PCollection<T> input = context.mainInput();
    WindowFn<T, BoundedWindow> windowFn = (WindowFn<T, BoundedWindow>) transform.getWindowFn();
    if (windowFn == null) {
      context.alias(context.output(), input);
      return;
    }
    int node = context.addOperator(context.currentName(), () -> new AssignWindowsOperator<>(windowFn),
        context.producerParallelism(input), 1, 1);
    context.connect(input, node, 0, Partitioning.forward());
    context.setProducer(context.output(), node, 0);
  }
}
