package dev.sluice.runner.translation.translators;

import dev.sluice.runner.translation.TransformTranslator;
import dev.sluice.runner.translation.TranslationContext;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollection;

/**
 * {@code View.CreatePCollectionView} ({@code beam:transform:create_view:v1}): no operator. Its
 * output is its input; a ParDo reading the view connects to {@code view.getPCollection()}.
 */
public final class CreateViewTranslator implements TransformTranslator<View.CreatePCollectionView<?, ?>> {

  @Override
  public void translate(View.CreatePCollectionView<?, ?> transform, TranslationContext context) {
    PCollection<?> input = context.mainInput();
    PCollection<?> output = context.output();
    if (output != input) {
      context.alias(output, input);
    }
  }
}
