package dev.sluice.engine.api;

import dev.sluice.engine.graph.JobId;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/** What the engine gives an operator. Mailbox thread only, except {@link #mailbox()}. */
public interface OperatorContext {

  JobId jobId();

  String jobName();

  /** The operator's name in the graph (for Beam: the transform's full name). */
  String operatorName();

  /** Task name for logs and errors, e.g. {@code "GroupByKey (3/8)"}. */
  String taskName();

  int subtaskIndex();

  int parallelism();

  /** Number of key groups of the job; keyed state and HASH edges partition by it. */
  int maxParallelism();

  /** The key groups this subtask owns (for operators behind a HASH edge). */
  KeyGroupRange keyGroupRange();

  /** The job's user class loader; deserialize user objects with it. */
  ClassLoader userClassLoader();

  /** Processing time and timers; callbacks run on the mailbox thread. */
  ProcessingTimeService processingTimeService();

  /**
   * Runs a command on the mailbox thread, from any thread. This is how asynchronous work
   * (I/O completions, external callbacks) gets back to the operator.
   */
  Executor mailbox();

  /**
   * The accumulator registered under {@code name} for this subtask, created with
   * {@code factory} the first time. The engine merges accumulators of the same name over all
   * subtasks of the job and reports them while the job runs and when it ends.
   */
  <A extends Accumulator<A>> A accumulator(String name, Supplier<A> factory);

  /** A directory private to this subtask for spill files; deleted when the task ends. */
  java.io.File tempDirectory();

  /** Memory (bytes) this operator may use for buffering before it must spill. */
  long managedMemoryBytes();
}
