/**
 * Beam-aware engine operators. They receive and emit {@code WindowedValue}s, run on the task's
 * mailbox thread and hold Beam semantics (windows, triggers, panes, timestamps) by reusing
 * beam-runners-core: {@code BatchGroupByKeyOperator} runs {@code ReduceFnRunner} per key over a
 * sort-based grouping; {@code PartialCombineOperator}/{@code FinalCombineOperator} are the two
 * halves of a lifted combine; {@code AssignWindowsOperator} and {@code ReshuffleOperator} are
 * stateless.
 */
package dev.sluice.runner.translation.operators;
