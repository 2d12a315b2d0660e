package dev.sluice.engine.benchmarks;

import dev.sluice.engine.api.AbstractOperator;
import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;

/**
 * Counts records and reports each watermark (a completed round, see {@link RoundGate}) to its
 * gate. Per record it only increments a field, so the measured cost is the engine's.
 *
 * <p>Task thread only.
 */
final class RoundSink extends AbstractOperator {

  private final String gateId;
  private RoundGate gate;
  private long records;

  RoundSink(String gateId) {
    this.gateId = gateId;
  }

  @Override
  public void open(OperatorContext context, Output output) throws Exception {
    super.open(context, output);
    gate = RoundGate.get(gateId);
  }

  @Override
  public void processElement(int input, Object value, long timestamp) {
    records++;
  }

  @Override
  protected void onWatermark(long watermark) {
    gate.consumerReached(context.subtaskIndex(), watermark);
  }

  @Override
  public void close() {
    if (gate != null) {
      gate.consumerClosed(context.subtaskIndex(), records);
    }
  }
}
