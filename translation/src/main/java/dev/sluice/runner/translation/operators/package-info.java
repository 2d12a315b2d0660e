/**
 * Beam-aware engine operators: every value they receive and emit is a Beam
 * {@code WindowedValue}, with the engine timestamp set to the value's timestamp in millis.
 * Sources ({@code ImpulseOperator}, {@code BoundedSourceOperator}, {@code EmptySourceOperator}),
 * {@code IdentityOperator} (Flatten) and {@code DoFnOperator}, which runs a DoFn through
 * runners-core {@code DoFnRunners} with bundles, side inputs ({@code SideInputHandler}) and
 * Beam metrics reported into the subtask's {@code MetricsAccumulator}. Like all operators they
 * run on their task's mailbox thread only; user functions are deserialized per subtask.
 */
package dev.sluice.runner.translation.operators;
