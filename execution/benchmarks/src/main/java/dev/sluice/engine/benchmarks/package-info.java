/**
 * JMH benchmarks of the engine's hot paths: record exchange between tasks, heap keyed state and
 * timers, and batch grouping. Run from the shaded {@code benchmarks.jar} (see the module's
 * README); the build compiles them but never runs them.
 */
package dev.sluice.engine.benchmarks;
