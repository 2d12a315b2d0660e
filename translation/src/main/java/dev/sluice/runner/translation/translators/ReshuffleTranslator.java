package dev.sluice.runner.translation.translators;

import dev.sluice.engine.graph.Partitioning;
import dev.sluice.runner.translation.TransformTranslator;
import dev.sluice.runner.translation.TranslationContext;
import dev.sluice.runner.translation.operators.IdentityOperator;
import dev.sluice.runner.translation.serde.KvKeySelector;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;

/**
 * Reshuffle and Redistribute (composites): instead of their GroupByKey expansion, an identity
 * operator behind a REBALANCE edge, or a HASH edge on the key for {@code Reshuffle.of()} and
 * redistribute-by-key. {@code Reshuffle.of()} is a GroupByKey in disguise, and Beam promises
 * per-key order through it (UsesPerKeyOrderedDelivery): all elements of a key take one channel,
 * and channels keep their order. ({@code Reshuffle.viaRandomKey()} is a {@code Reshuffle.of()}
 * on random keys, so it still spreads evenly.) Elements
 * keep their windows, timestamps and panes. The exchange is the point: it breaks fusion, so the
 * next operator runs at full parallelism whatever the producer's parallelism was.
 */
public final class ReshuffleTranslator implements TransformTranslator<PTransform<?, ?>> {

  private final boolean byKey;
  /** Hash by key when the input is a KV collection, else rebalance. */
  private final boolean byKeyIfKv;

  private ReshuffleTranslator(boolean byKey, boolean byKeyIfKv) {
    this.byKey = byKey;
    this.byKeyIfKv = byKeyIfKv;
  }

  /** Round-robin: Redistribute.arbitrarily(). */
  public static ReshuffleTranslator arbitrarily() {
    return new ReshuffleTranslator(false, false);
  }

  /** Equal keys to the same subtask: Redistribute.byKey(). */
  public static ReshuffleTranslator byKey() {
    return new ReshuffleTranslator(true, false);
  }

  /** Reshuffle.of(): equal keys to the same subtask if the input's coder is a KvCoder, else round-robin. */
  public static ReshuffleTranslator perKeyIfKv() {
    return new ReshuffleTranslator(false, true);
  }

  @Override
  public boolean canTranslate(PTransform<?, ?> transform, TranslationContext context) {
    return !byKey || context.mainInput().getCoder() instanceof KvCoder;
  }

  @Override
  public void translate(PTransform<?, ?> transform, TranslationContext context) {
    PCollection<?> input = context.mainInput();
    int node = context.addOperator(context.currentName(), IdentityOperator::new, context.parallelism(), 1, 1);
    boolean hash = byKey || (byKeyIfKv && input.getCoder() instanceof KvCoder);
    Partitioning partitioning = hash
        ? Partitioning.hash(new KvKeySelector<>(((KvCoder<?, ?>) input.getCoder()).getKeyCoder()))
        : Partitioning.rebalance();
    context.connect(input, node, 0, partitioning);
    context.setProducer(context.output(), node, 0);
  }
}
