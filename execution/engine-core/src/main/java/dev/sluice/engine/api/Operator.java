package dev.sluice.engine.api;

/**
 * A record-at-a-time operator: the unit the engine chains into a task.
 *
 * <h3>Threading model</h3>
 * Every method runs on the task's mailbox thread; an operator needs no locks. Other threads
 * reach it only by {@link OperatorContext#mailbox() enqueueing mail}.
 *
 * <h3>Lifecycle</h3>
 * {@code open} -> any number of {@code processElement}/{@code processWatermark}/timer callbacks
 * -> {@code endInput(i)} once per input -> {@code finish} (all inputs ended: flush what is held;
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
