package dev.sluice.runner.translation;

import dev.sluice.runner.translation.translators.CreateViewTranslator;
import dev.sluice.runner.translation.translators.FlattenTranslator;
import dev.sluice.runner.translation.translators.ImpulseTranslator;
import dev.sluice.runner.translation.translators.ParDoTranslator;
import dev.sluice.runner.translation.translators.ReadTranslator;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.util.construction.PTransformTranslation;

/** URN -> translator. Primitives must all be here; composites are optional shortcuts. */
public final class TranslatorRegistry {

  private final Map<String, TransformTranslator<?>> primitives = new HashMap<>();
  private final Map<String, TransformTranslator<?>> composites = new HashMap<>();
  /** Composites that have no URN, by their exact class. */
  private final Map<Class<?>, TransformTranslator<?>> compositesByClass = new HashMap<>();

  /** The translators Sluice ships with. */
  public static TranslatorRegistry standard() {
    TranslatorRegistry r = new TranslatorRegistry();
    // ---- primitives: sources, ParDo, Flatten, views (see translators package) ----
    r.primitive(PTransformTranslation.IMPULSE_TRANSFORM_URN, new ImpulseTranslator());
    r.primitive(PTransformTranslation.READ_TRANSFORM_URN, new ReadTranslator());
    r.primitive(PTransformTranslation.PAR_DO_TRANSFORM_URN, new ParDoTranslator());
    r.primitive(PTransformTranslation.FLATTEN_TRANSFORM_URN, new FlattenTranslator());
    r.primitive(PTransformTranslation.CREATE_VIEW_TRANSFORM_URN, new CreateViewTranslator());
    r.primitive(PTransformTranslation.TEST_STREAM_TRANSFORM_URN,
        new dev.sluice.runner.translation.translators.TestStreamTranslator<>());

    // ---- primitives and composites: grouping, combining, windows ----
    // (fully qualified so that this section merges without touching the imports)
    r.primitive(org.apache.beam.sdk.util.construction.PTransformTranslation.GROUP_BY_KEY_TRANSFORM_URN,
        new dev.sluice.runner.translation.translators.GroupByKeyTranslator<>());
    r.primitive(org.apache.beam.sdk.util.construction.PTransformTranslation.ASSIGN_WINDOWS_TRANSFORM_URN,
        new dev.sluice.runner.translation.translators.WindowIntoTranslator<>());
    r.composite(org.apache.beam.sdk.util.construction.PTransformTranslation.COMBINE_PER_KEY_TRANSFORM_URN,
        new dev.sluice.runner.translation.translators.CombinePerKeyTranslator<>());
    r.composite(org.apache.beam.sdk.util.construction.PTransformTranslation.RESHUFFLE_URN,
        dev.sluice.runner.translation.translators.ReshuffleTranslator.perKeyIfKv());
    r.composite(org.apache.beam.sdk.util.construction.PTransformTranslation.REDISTRIBUTE_ARBITRARILY_URN,
        dev.sluice.runner.translation.translators.ReshuffleTranslator.arbitrarily());
    r.composite(org.apache.beam.sdk.util.construction.PTransformTranslation.REDISTRIBUTE_BY_KEY_URN,
        dev.sluice.runner.translation.translators.ReshuffleTranslator.byKey());

    // ---- splittable DoFns (streaming; batch runs them to completion, see PipelineTranslator.prepare) ----
    r.primitive(org.apache.beam.sdk.util.construction.PTransformTranslation.SPLITTABLE_PROCESS_KEYED_URN,
        new dev.sluice.runner.translation.translators.SplittableProcessKeyedTranslator());

    // ---- composites without a URN ----
    r.composite(org.apache.beam.sdk.io.BoundedReadFromUnboundedSource.class,
        new dev.sluice.runner.translation.translators.BoundedReadFromUnboundedTranslator());

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

  /** For composites the SDK gives no URN: matched by exact class. */
  public TranslatorRegistry composite(Class<?> transformClass, TransformTranslator<?> translator) {
    compositesByClass.put(transformClass, translator);
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

  /** The composite translator for {@code transform}: by URN, else by class; null if none. */
  @SuppressWarnings("unchecked")
  <T extends PTransform<?, ?>> TransformTranslator<T> composite(String urn, PTransform<?, ?> transform) {
    TransformTranslator<?> t = urn == null ? null : composites.get(urn);
    return (TransformTranslator<T>) (t != null ? t : compositesByClass.get(transform.getClass()));
  }
}
