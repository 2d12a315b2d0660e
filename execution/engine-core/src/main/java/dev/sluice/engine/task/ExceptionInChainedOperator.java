package dev.sluice.engine.task;

/**
 * Carries a checked exception of a chained operator through {@link dev.sluice.engine.api.Output}
 * (which cannot throw checked exceptions). The task unwraps it, so a failure reports the
 * operator's own exception.
 */
final class ExceptionInChainedOperator extends RuntimeException {
  ExceptionInChainedOperator(String operatorName, Exception cause) {
    super("Chained operator " + operatorName + " failed: " + cause.getMessage(), cause);
  }
}
