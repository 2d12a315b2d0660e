package dev.sluice.runner.translation.translators;

import dev.sluice.runner.translation.TransformTranslator;
import dev.sluice.runner.translation.TranslationContext;
import org.apache.beam.sdk.transforms.PTransform;

/**
 * {@code beam:transform:read:v1}: bounded reads go to {@link ReadBoundedTranslator}, unbounded
 * ones to {@link ReadUnboundedTranslator}.
 */
public final class ReadTranslator implements TransformTranslator<PTransform<?, ?>> {

  private final ReadBoundedTranslator bounded = new ReadBoundedTranslator();
  private final ReadUnboundedTranslator unbounded = new ReadUnboundedTranslator();

  @Override
  public void translate(PTransform<?, ?> transform, TranslationContext context) throws Exception {
    if (ReadUnboundedTranslator.isUnboundedRead(transform)) {
      unbounded.translate(transform, context);
    } else {
      bounded.translate(transform, context);
    }
  }
}
