package dev.sluice.engine.api;

import java.util.Arrays;

/**
 * Base for operators: keeps the context and output, and forwards the minimum watermark over
 * all inputs (override {@link #onWatermark(long)} to hold it back).
 */
public abstract class AbstractOperator implements Operator {

  protected OperatorContext context;
  protected Output output;
  /** Per-input watermark; input count grows on demand. Mailbox thread only. */
  private long[] inputWatermarks = new long[0];
  private long combinedWatermark = Watermarks.MIN;

  @Override
  public void open(OperatorContext context, Output output) throws Exception {
    this.context = context;
    this.output = output;
  }

  /** Number of inputs of this operator, so that the minimum waits for all of them. */
  protected int numberOfInputs() {
    return 1;
  }

  @Override
  public void processWatermark(int input, long watermark) throws Exception {
    if (inputWatermarks.length < numberOfInputs()) {
      long[] grown = Arrays.copyOf(inputWatermarks, numberOfInputs());
      Arrays.fill(grown, inputWatermarks.length, grown.length, Watermarks.MIN);
      inputWatermarks = grown;
    }
    inputWatermarks[input] = Math.max(inputWatermarks[input], watermark);
    long min = Watermarks.MAX;
    for (long w : inputWatermarks) {
      min = Math.min(min, w);
    }
    if (min > combinedWatermark) {
      combinedWatermark = min;
      onWatermark(min);
    }
  }

  /** The minimum over all inputs advanced. Default: forward it. */
  protected void onWatermark(long watermark) throws Exception {
    output.emitWatermark(watermark);
  }

  protected long currentInputWatermark() {
    return combinedWatermark;
  }

  @Override
  public void endInput(int input) throws Exception {}

  @Override
  public void finish() throws Exception {}

  @Override
  public void close() throws Exception {}
}
