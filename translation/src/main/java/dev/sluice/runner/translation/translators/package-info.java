/**
 * One small {@code TransformTranslator} per Beam URN, each turning one transform into engine
 * operators and connections on the {@code TranslationContext}. Primitives translated here:
 * Impulse, bounded Read (split at translation), Flatten, CreatePCollectionView (an alias: no
 * operator) and ParDo (a {@code DoFnOperator}, side inputs broadcast to inputs 1..n); the
 * grouping, combining and windowing translators live here too. Translators decide partitioning
 * (FORWARD where parallelism matches, so the builder can chain; REBALANCE, BROADCAST or HASH
 * otherwise) and reject what Sluice cannot run yet with an {@code UnsupportedOperationException}
 * naming the transform, its URN and the missing feature.
 */
package dev.sluice.runner.translation.translators;
