/**
 * The JobManager's bookkeeping of a running job: {@code ExecutionGraph} -> {@code
 * ExecutionJobVertex} (per job vertex) -> {@code ExecutionVertex} (per subtask) -> {@code
 * Execution} (per attempt), with checked job and task state transitions. It never talks to
 * TaskManagers; {@code cluster.jobmanager} drives it. JobManager main thread only.
 */
package dev.sluice.engine.cluster.executiongraph;
