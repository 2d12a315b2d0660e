/**
 * The TaskManager: offers task slots to the JobManager, runs the subtasks deployed into them
 * (through a {@code TaskFactory}, normally the engine's {@code Task}) and forwards their state
 * changes and accumulators. Depends on {@code cluster.rpc} and engine-core.
 */
package dev.sluice.engine.cluster.taskmanager;
