/**
 * Beam's Nexmark benchmark (its event generator and query transforms) driven on Sluice, the Flink
 * runner and the Direct runner, with the results of each run normalized so that runners can be
 * compared. Entry points: {@link dev.sluice.nexmark.NexmarkDriver} (one or more runs in this JVM)
 * and {@link dev.sluice.nexmark.NexmarkReport} (the markdown table of a matrix of runs).
 */
package dev.sluice.nexmark;
