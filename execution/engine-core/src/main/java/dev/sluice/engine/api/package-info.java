/**
 * The surface the translation implements against: {@link dev.sluice.engine.api.Operator} (one
 * interface for any number of inputs, numbered), {@link dev.sluice.engine.api.SourceOperator},
 * {@link dev.sluice.engine.api.Output} (numbered ports), the per-subtask
 * {@link dev.sluice.engine.api.OperatorContext}, key selection and key groups, and accumulators.
 * Nothing here knows Beam.
 */
package dev.sluice.engine.api;
