package dev.sluice.runner.translation;

import org.apache.beam.sdk.transforms.PTransform;

/**
 * Translates one kind of transform (one URN) into engine operators. One small class per URN
 * lives in the {@code translators} package. For a composite transform, translating means the
 * runner does not look inside it.
 */
public interface TransformTranslator<T extends PTransform<?, ?>> {

  void translate(T transform, TranslationContext context) throws Exception;

  /**
   * For composites: whether this translator handles this instance (e.g. Combine.perKey without
   * side inputs). If not, the runner translates the composite's parts instead. Primitives must
   * return true or fail in {@link #translate} with a message naming what is unsupported.
   */
  default boolean canTranslate(T transform, TranslationContext context) {
    return true;
  }
}
