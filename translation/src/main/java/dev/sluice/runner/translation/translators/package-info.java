/**
 * One small {@code TransformTranslator} per Beam URN: each adds engine operators to the job graph
 * and wires their inputs (FORWARD to chain, HASH on the encoded key to group, REBALANCE to
 * spread). Grouping, combining and windowing: {@code GroupByKeyTranslator},
 * {@code CombinePerKeyTranslator} (lifted combine when windows are non-merging and there are no
 * side inputs, else the expansion), {@code WindowIntoTranslator}, {@code ReshuffleTranslator}.
 */
package dev.sluice.runner.translation.translators;
