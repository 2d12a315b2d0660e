package dev.sluice.engine.api;

import java.io.Serializable;

/**
 * Creates one operator instance per subtask, on the worker. Travels inside the job graph, so it
 * is {@link Serializable}; the operator itself need not be.
 */
@FunctionalInterface
public interface OperatorFactory extends Serializable {
  Operator create();
}
