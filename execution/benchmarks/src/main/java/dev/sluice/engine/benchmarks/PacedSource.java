package dev.sluice.engine.benchmarks;

import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.SourceOperator;
import java.util.concurrent.CompletableFuture;

/**
 * Emits the records its {@link RoundGate} releases, cycling through a pool of pre-built values
 * (so the source allocates nothing per record), and after each round a watermark equal to the
 * round number. Parks (NOTHING_AVAILABLE) between rounds; ends when the gate is stopped.
 *
 * <p>Task thread only.
 */
final class PacedSource implements SourceOperator {

  /** Records per {@code emitNext}: bounded, so the task's mails (flush timer) still run. */
  private static final int BATCH = 512;

  private final String gateId;
  private final Object[] pool;
  private RoundGate gate;
  private int subtask;
  private long emitted;
  private int next;
  private CompletableFuture<?> available = CompletableFuture.completedFuture(null);

  PacedSource(String gateId, Object[] pool) {
    this.gateId = gateId;
    this.pool = pool;
  }

  @Override
  public void open(OperatorContext context, Output output) {
    gate = RoundGate.get(gateId);
    subtask = context.subtaskIndex();
  }

  @Override
  public Status emitNext(Output output) {
    long released = gate.recordsReleasedPerSource();
    if (emitted < released) {
      emitBatch(output, released);
      return Status.MORE_AVAILABLE;
    }
    if (gate.isStopped()) {
      return Status.END_OF_INPUT;
    }
    CompletableFuture<Void> wakeUp = gate.newWakeUp(subtask);
    if (emitted < gate.recordsReleasedPerSource() || gate.isStopped()) {
      return Status.MORE_AVAILABLE;
    }
    available = wakeUp;
    return Status.NOTHING_AVAILABLE;
  }

  private void emitBatch(Output output, long released) {
    long perRound = gate.recordsPerSourcePerRound;
    long round = emitted / perRound + 1;
    // Stop at the round's end, so that every round gets its watermark.
    long end = Math.min(Math.min(released, emitted + BATCH), round * perRound);
    Object[] values = pool;
    int i = next;
    for (long e = emitted; e < end; e++) {
      output.emit(0, values[i], round);
      if (++i == values.length) {
        i = 0;
      }
    }
    next = i;
    emitted = end;
    if (emitted == round * perRound) {
      // Round complete: the watermark flushes the output buffers and tells the sinks.
      output.emitWatermark(round);
    }
  }

  @Override
  public CompletableFuture<?> available() {
    return available;
  }

  @Override
  public void finish() {}

  @Override
  public void close() {}
}
