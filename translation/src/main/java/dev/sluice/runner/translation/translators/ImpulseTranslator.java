package dev.sluice.runner.translation.translators;

import dev.sluice.runner.translation.TransformTranslator;
import dev.sluice.runner.translation.TranslationContext;
import dev.sluice.runner.translation.operators.ImpulseOperator;
import org.apache.beam.sdk.transforms.Impulse;

/** Beam's Impulse ({@code beam:transform:impulse:v1}): a parallelism-1 source of one empty byte array. */
public final class ImpulseTranslator implements TransformTranslator<Impulse> {

  @Override
  public void translate(Impulse transform, TranslationContext context) {
    int node = context.addOperator(context.currentName(), ImpulseOperator::new, 1, 0, 1);
    context.setProducer(context.output(), node, 0);
  }
}
