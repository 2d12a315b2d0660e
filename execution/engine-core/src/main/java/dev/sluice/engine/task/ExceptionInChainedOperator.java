package dev.sluice.engine.task;

/**
 * Carries an exception of a chained operator through {@link dev.sluice.engine.api.Output} (which
 * cannot throw checked exceptions) and the operators upstream of it in the chain, naming the
 * operator that threw. Only the innermost wrapper is created. The task unwraps it, so a failure
 * reports the operator's own exception and the operator's name.
 */
final class ExceptionInChainedOperator extends RuntimeException {
  private final String operatorName;

  ExceptionInChainedOperator(String operatorName, Exception cause) {
    super("Chained operator " + operatorName + " failed: " + cause.getMessage(), cause);
    this.operatorName = operatorName;
  }

  String operatorName() {
    return operatorName;
  }
}
