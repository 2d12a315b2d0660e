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
