package dev.sluice.runner.translation;

import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.transforms.PTransform;

/** URN -> translator. Primitives must all be here; composites are optional shortcuts. */
public final class TranslatorRegistry {

  private final Map<String, TransformTranslator<?>> primitives = new HashMap<>();
  private final Map<String, TransformTranslator<?>> composites = new HashMap<>();

  /** The translators Sluice ships with. */
  public static TranslatorRegistry standard() {
    TranslatorRegistry r = new TranslatorRegistry();
    // ---- primitives: sources, ParDo, Flatten, views (see translators package) ----

    // ---- primitives and composites: grouping, combining, windows ----
    // (fully qualified so that this section merges without touching the imports)
    r.primitive(org.apache.beam.sdk.util.construction.PTransformTranslation.GROUP_BY_KEY_TRANSFORM_URN,
        new dev.sluice.runner.translation.translators.GroupByKeyTranslator<>());
    r.primitive(org.apache.beam.sdk.util.construction.PTransformTranslation.ASSIGN_WINDOWS_TRANSFORM_URN,
        new dev.sluice.runner.translation.translators.WindowIntoTranslator<>());
    r.composite(org.apache.beam.sdk.util.construction.PTransformTranslation.COMBINE_PER_KEY_TRANSFORM_URN,
        new dev.sluice.runner.translation.translators.CombinePerKeyTranslator<>());
    r.composite(org.apache.beam.sdk.util.construction.PTransformTranslation.RESHUFFLE_URN,
        dev.sluice.runner.translation.translators.ReshuffleTranslator.arbitrarily());
    r.composite(org.apache.beam.sdk.util.construction.PTransformTranslation.REDISTRIBUTE_ARBITRARILY_URN,
        dev.sluice.runner.translation.translators.ReshuffleTranslator.arbitrarily());
    r.composite(org.apache.beam.sdk.util.construction.PTransformTranslation.REDISTRIBUTE_BY_KEY_URN,
        dev.sluice.runner.translation.translators.ReshuffleTranslator.byKey());

    return r;
  }

  public TranslatorRegistry primitive(String urn, TransformTranslator<?> translator) {
    primitives.put(urn, translator);
    return this;
  }

  public TranslatorRegistry composite(String urn, TransformTranslator<?> translator) {
    composites.put(urn, translator);
    return this;
  }

  @SuppressWarnings("unchecked")
  <T extends PTransform<?, ?>> TransformTranslator<T> primitive(String urn) {
    return (TransformTranslator<T>) primitives.get(urn);
  }

  @SuppressWarnings("unchecked")
  <T extends PTransform<?, ?>> TransformTranslator<T> composite(String urn) {
    return (TransformTranslator<T>) composites.get(urn);
  }
}
