package dev.sluice.runner.translation.translators;

import dev.sluice.runner.translation.TransformTranslator;
import dev.sluice.runner.translation.TranslationContext;
import dev.sluice.runner.translation.operators.EmptySourceOperator;
import dev.sluice.runner.translation.operators.IdentityOperator;
import java.util.Collection;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.PCollection;

/**
 * {@code Flatten.PCollections} ({@code beam:transform:flatten:v1}): an identity operator with
 * every input on its input 0 (FORWARD when the producer's parallelism matches, else
 * REBALANCE). A PCollection flattened twice is connected twice, so its elements appear twice.
 * With no inputs at all, a source that ends at once.
 */
public final class FlattenTranslator implements TransformTranslator<Flatten.PCollections<?>> {

  @Override
  public void translate(Flatten.PCollections<?> transform, TranslationContext context) {
    Collection<PCollection<?>> inputs = context.currentTransform().getInputs().values();
    int node;
    if (inputs.isEmpty()) {
      node = context.addOperator(context.currentName(), EmptySourceOperator::new, 1, 0, 1);
    } else {
      node = context.addOperator(context.currentName(), IdentityOperator::new, context.parallelism(), 1, 1);
      for (PCollection<?> input : inputs) {
        context.connectForwardOrRebalance(input, node, 0);
      }
    }
    context.setProducer(context.output(), node, 0);
  }
}
