package dev.sluice.engine.api;

import java.io.Serializable;

/**
 * A mergeable, serializable value that operators update and the engine aggregates over all
 * subtasks of a job (Beam metrics travel this way).
 *
 * <p>The owning task updates it on its mailbox thread; {@link #copy()} may be called from any
 * thread while the task runs, so implementations must make copying safe against concurrent
 * updates (e.g. atomic cells).
 */
public interface Accumulator<A extends Accumulator<A>> extends Serializable {

  /** A snapshot that later updates do not change. */
  A copy();

  /** Adds {@code other} into this one. */
  void merge(A other);
}
