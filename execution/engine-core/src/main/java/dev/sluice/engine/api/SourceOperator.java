package dev.sluice.engine.api;

import java.util.concurrent.CompletableFuture;

/**
 * An operator with no inputs that produces records. The task calls {@link #emitNext} in its
 * loop, between mails, so a source must return after a bounded amount of work (a few hundred
 * records or a few milliseconds) to keep timers and cancellation responsive.
 */
public interface SourceOperator extends Operator {

  enum Status {
    /** Call again right away. */
    MORE_AVAILABLE,
    /** Nothing now: call again once {@link #available()} completes. */
    NOTHING_AVAILABLE,
    /** Exhausted: the task emits watermark +infinity, calls {@code finish} and ends. */
    END_OF_INPUT
  }

  Status emitNext(Output output) throws Exception;

  /** Completes when a source that returned NOTHING_AVAILABLE has data again. */
  default CompletableFuture<?> available() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  default void processElement(int input, Object value, long timestamp) {
    throw new IllegalStateException("A source has no inputs");
  }

  @Override
  default void processWatermark(int input, long watermark) {}

  @Override
  default void endInput(int input) {}
}
