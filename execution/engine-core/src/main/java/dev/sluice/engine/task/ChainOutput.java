package dev.sluice.engine.task;

import dev.sluice.engine.api.Operator;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.network.RecordWriter;
import java.util.List;

/**
 * The {@link Output} of one chain node: per port, chained operators called directly with the
 * same object (no serialization, no copy) and {@link RecordWriter}s for network edges.
 *
 * <p>Hot path: arrays, no iterators or allocation per record. Watermarks that do not advance
 * are dropped here, so a source that emits +infinity before the task does at end of input
 * does not send it twice.
 *
 * <p>Task thread only.
 */
final class ChainOutput implements Output {

  private final Operator[][] targets;
  private final int[][] targetInputs;
  private final String[][] targetNames;
  private final RecordWriter[][] writers;
  /** Every chained target and writer once, for watermarks. */
  private final Operator[] allTargets;
  private final int[] allTargetInputs;
  private final String[] allTargetNames;
  private final RecordWriter[] allWriters;
  private long lastWatermark = Long.MIN_VALUE;
  private final StreamStatusMaintainer status;
  private final ProcessingTimeHandler processingTime;

  /** What the task does when an operator emits synthetic processing time. */
  @FunctionalInterface
  interface ProcessingTimeHandler {
    void advanceTo(long time) throws Exception;
  }

  ChainOutput(List<List<Target>> chained, List<List<RecordWriter>> network) {
    this(chained, network, new StreamStatusMaintainer(List.of()));
  }

  /** @param status the task's stream status, shared by all chain nodes' outputs */
  ChainOutput(List<List<Target>> chained, List<List<RecordWriter>> network, StreamStatusMaintainer status) {
    this(chained, network, status, t -> {});
  }

  /**
   * @param status the task's stream status, shared by all chain nodes' outputs
   * @param processingTime the task's handler of {@link #emitProcessingTime}
   */
  ChainOutput(
      List<List<Target>> chained,
      List<List<RecordWriter>> network,
      StreamStatusMaintainer status,
      ProcessingTimeHandler processingTime) {
    this.status = status;
    this.processingTime = processingTime;
    int ports = chained.size();
    targets = new Operator[ports][];
    targetInputs = new int[ports][];
    targetNames = new String[ports][];
    writers = new RecordWriter[ports][];
    int total = 0;
    int totalWriters = 0;
    for (int p = 0; p < ports; p++) {
      List<Target> ts = chained.get(p);
      targets[p] = new Operator[ts.size()];
      targetInputs[p] = new int[ts.size()];
      targetNames[p] = new String[ts.size()];
      for (int i = 0; i < ts.size(); i++) {
        targets[p][i] = ts.get(i).operator();
        targetInputs[p][i] = ts.get(i).input();
        targetNames[p][i] = ts.get(i).name();
      }
      writers[p] = network.get(p).toArray(new RecordWriter[0]);
      total += ts.size();
      totalWriters += writers[p].length;
    }
    allTargets = new Operator[total];
    allTargetInputs = new int[total];
    allTargetNames = new String[total];
    allWriters = new RecordWriter[totalWriters];
    int t = 0;
    int w = 0;
    for (int p = 0; p < ports; p++) {
      for (int i = 0; i < targets[p].length; i++, t++) {
        allTargets[t] = targets[p][i];
        allTargetInputs[t] = targetInputs[p][i];
        allTargetNames[t] = targetNames[p][i];
      }
      for (RecordWriter rw : writers[p]) {
        allWriters[w++] = rw;
      }
    }
  }

  /** A chained receiver of a port. */
  record Target(Operator operator, int input, String name) {}

  @Override
  public void emit(int port, Object value, long timestamp) {
    Operator[] ts = targets[port];
    for (int i = 0; i < ts.length; i++) {
      try {
        ts[i].processElement(targetInputs[port][i], value, timestamp);
      } catch (ExceptionInChainedOperator e) {
        throw e; // already names the operator further down the chain that threw
      } catch (Exception e) {
        throw new ExceptionInChainedOperator(targetNames[port][i], e);
      }
    }
    RecordWriter[] ws = writers[port];
    if (ws.length > 0 && status.isIdle()) {
      status.setIdle(false); // consumers must count us again before they see our data
    }
    for (int i = 0; i < ws.length; i++) {
      ws[i].emit(value, timestamp);
    }
  }

  @Override
  public void emitWatermark(long watermark) {
    if (watermark <= lastWatermark) {
      return;
    }
    lastWatermark = watermark;
    for (int i = 0; i < allTargets.length; i++) {
      try {
        allTargets[i].processWatermark(allTargetInputs[i], watermark);
      } catch (ExceptionInChainedOperator e) {
        throw e;
      } catch (Exception e) {
        throw new ExceptionInChainedOperator(allTargetNames[i], e);
      }
    }
    if (allWriters.length > 0 && status.isIdle()) {
      status.setIdle(false);
    }
    for (RecordWriter w : allWriters) {
      w.broadcastWatermark(watermark);
    }
  }

  /** The task advances its clock (firing timers of all chained operators) and forwards the time. */
  @Override
  public void emitProcessingTime(long time) throws Exception {
    processingTime.advanceTo(time);
  }

  @Override
  public void markIdle(boolean idle) {
    status.setIdle(idle);
  }
}
