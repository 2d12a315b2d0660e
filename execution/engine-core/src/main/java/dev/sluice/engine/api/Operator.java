package dev.sluice.engine.api;

import java.util.concurrent.CompletableFuture;

/**
 * A record-at-a-time operator: the unit the engine chains into a task.
 *
 * <h3>Threading model</h3>
 * Every method runs on the task's mailbox thread; an operator needs no locks. Other threads
 * reach it only by {@link OperatorContext#mailbox() enqueueing mail}.
 *
 * <h3>Lifecycle</h3>
 * {@code open} -> any number of {@code processElement}/{@code processWatermark}/timer callbacks
 * -> {@code endInput(i)} once per input -> (timer callbacks until {@link #workAfterEndOfInput()}
 * is done) -> {@code finish} (all inputs ended: flush what is held;
 * output is still allowed) -> {@code close} (always called, also after failure or cancellation;
 * release resources, no output).
 *
 * <p>Inputs are numbered by the translation ({@code JobGraphBuilder#connect}); several edges
 * may feed the same input number. Values are passed by reference between chained operators:
 * an operator must not mutate a value it received or emitted.
 */
public interface Operator {

  void open(OperatorContext context, Output output) throws Exception;

  void processElement(int input, Object value, long timestamp) throws Exception;

  /**
   * The watermark of one input advanced: the minimum over that input's channels (and +infinity
   * once the input ended). The operator decides what it forwards; {@link AbstractOperator}
   * forwards the minimum over all inputs.
   */
  void processWatermark(int input, long watermark) throws Exception;

  /** All channels of {@code input} have ended; its watermark was already set to +infinity. */
  void endInput(int input) throws Exception;

  /**
   * Work the operator still has after all its inputs ended, e.g. restrictions of a splittable
   * function that resume from processing-time timers. The task asks once, after the last
   * {@code endInput} and before {@link #finish()}. While the returned future is not done the task
   * keeps running its mail (processing-time callbacks included), so the operator goes on
   * emitting; once it is done, on the mailbox thread, the task calls {@code finish} and ends
   * the rest of the chain. A future that completes exceptionally fails the task; cancellation
   * does not wait for it. Null or a completed future: nothing pending (the default).
   */
  default CompletableFuture<?> workAfterEndOfInput() {
    return null;
  }

  /** All inputs ended (for a source: the source is exhausted). Flush held output now. */
  void finish() throws Exception;

  /** Releases resources. Called exactly once, whether or not the operator finished. */
  void close() throws Exception;

  /**
   * Which inputs the task may read now. Returning a subset lets an operator read some inputs
   * to their end first (e.g. side inputs before the main input). Null means all inputs.
   * Consulted by the task after every element, so it must be cheap.
   */
  default int[] selectedInputs() {
    return null;
  }
}
