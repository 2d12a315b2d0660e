package dev.sluice.engine.task;

import dev.sluice.engine.api.Operator;
import dev.sluice.engine.api.Watermarks;
import dev.sluice.engine.element.ElementCodec;
import dev.sluice.engine.network.InputGate;
import dev.sluice.engine.network.LocalInputChannel;
import dev.sluice.engine.time.ProcessingTimeAligner;
import dev.sluice.engine.time.WatermarkValve;
import java.util.Arrays;

/**
 * Feeds the head operator of a non-source task from its {@link InputGate}, one element per
 * step. Per input it keeps a {@link WatermarkValve} over that input's channels and calls
 * {@code processWatermark(input, min)} when the minimum advances; when all channels of an input
 * ended, the head sees watermark +infinity (if not yet) and then {@code endInput(input)}. When
 * every input ended it runs the task's end-of-input action.
 *
 * <p>Input selection: only channels of the inputs the head currently selects are read; the
 * selection is re-read after every element. If it names no input that is still open, all open
 * inputs are read (an operator cannot stall the task by selecting an ended input).
 *
 * <p>Idleness: a {@link ElementCodec#STREAM_STATUS} event marks a channel idle or active in its
 * input's valve (an idle channel leaves the minimum). When every input still open is idle, the
 * task itself is idle and tells its consumers through the {@link StreamStatusMaintainer}; it is
 * active again as soon as one channel is.
 *
 * <p>Synthetic processing time: a {@link ElementCodec#PROCESSING_TIME} barrier blocks its
 * channel until every open channel of the task (all inputs) delivered one
 * ({@link ProcessingTimeAligner}); then the channels are released and the task's
 * {@link ChainOutput.ProcessingTimeHandler} advances the clock and forwards the time. While
 * channels are blocked, input selection yields when the selected channels are all blocked,
 * so an operator that reads one input first cannot stall the alignment.
 *
 * <p>Task thread only.
 */
final class StreamInputProcessor implements MailboxProcessor.DefaultAction {

  private final InputGate gate;
  private final Operator head;
  private final WatermarkValve[] valves;
  private final boolean[] inputEnded;
  /** Last watermark given to the head per input; +infinity at most once. */
  private final long[] deliveredWatermark;
  private int openInputs;
  private final TaskMailbox.ThrowingRunnable onAllInputsEnded;
  private final StreamStatusMaintainer streamStatus;
  /** Whether all open inputs were idle at the last status change. */
  private boolean inputsIdle;
  private int[] lastSelection;
  /** Null when all inputs may be read. */
  private boolean[] selectedMask;
  private final ProcessingTimeAligner aligner;
  private ChainOutput.ProcessingTimeHandler processingTime = t -> {};
  private Runnable beforeWatermark = () -> {};

  /**
   * @param channelsPerInput number of channels of each input number of the head
   */
  StreamInputProcessor(InputGate gate, Operator head, int[] channelsPerInput, TaskMailbox.ThrowingRunnable onAllInputsEnded) {
    this(gate, head, channelsPerInput, onAllInputsEnded, new StreamStatusMaintainer(java.util.List.of()));
  }

  /**
   * @param channelsPerInput number of channels of each input number of the head
   * @param streamStatus the task's output status, made idle while all inputs are idle
   */
  StreamInputProcessor(
      InputGate gate,
      Operator head,
      int[] channelsPerInput,
      TaskMailbox.ThrowingRunnable onAllInputsEnded,
      StreamStatusMaintainer streamStatus) {
    this.streamStatus = streamStatus;
    this.gate = gate;
    this.head = head;
    this.onAllInputsEnded = onAllInputsEnded;
    this.valves = new WatermarkValve[channelsPerInput.length];
    this.inputEnded = new boolean[channelsPerInput.length];
    this.deliveredWatermark = new long[channelsPerInput.length];
    Arrays.fill(deliveredWatermark, Watermarks.MIN);
    for (int i = 0; i < valves.length; i++) {
      valves[i] = new WatermarkValve(channelsPerInput[i]);
    }
    openInputs = valves.length;
    aligner = new ProcessingTimeAligner(gate.numberOfChannels());
  }

  /**
   * Runs before the head gets a watermark (the task flushes its outputs there): the timers a
   * watermark fires may take long, and records emitted before it should not wait for them in a
   * partly filled buffer, since the periodic flush runs on this same thread.
   */
  void setBeforeWatermark(Runnable action) {
    this.beforeWatermark = action;
  }

  /** What to do once a processing-time barrier completed (default: nothing). */
  void setProcessingTimeHandler(ChainOutput.ProcessingTimeHandler handler) {
    this.processingTime = handler;
  }

  /** Ends inputs that have no channel at all (declared but not connected). Call once when RUNNING. */
  void start() throws Exception {
    for (int i = 0; i < valves.length; i++) {
      if (valves[i].numberOfChannels() == 0) {
        endInput(i);
      }
    }
  }

  @Override
  public boolean runStep() throws Exception {
    if (openInputs == 0) {
      return false;
    }
    boolean[] selection = selection();
    int tag = gate.pollNext(selection);
    if (tag == LocalInputChannel.NONE && selection != null && aligner.isAligning()) {
      tag = gate.pollNext(null); // the selected channels may all wait at a barrier
    }
    if (tag == LocalInputChannel.NONE) {
      return false;
    }
    LocalInputChannel c = gate.lastChannel();
    int input = c.inputIndex();
    switch (tag) {
      case ElementCodec.RECORD -> head.processElement(input, c.value(), c.timestamp());
      case ElementCodec.WATERMARK -> {
        if (valves[input].onWatermark(c.channelIndexInInput(), c.timestamp())) {
          deliverWatermark(input, valves[input].current());
        }
      }
      case ElementCodec.STREAM_STATUS -> {
        if (valves[input].onStreamStatus(c.channelIndexInInput(), c.idle())) {
          deliverWatermark(input, valves[input].current());
        }
        updateIdleness();
      }
      case ElementCodec.PROCESSING_TIME -> {
        c.setBlocked(true);
        if (aligner.onBarrier(c.channelIndex(), c.timestamp())) {
          releaseAligned();
        }
      }
      case ElementCodec.END_OF_PARTITION -> {
        if (aligner.onChannelEnded(c.channelIndex())) {
          releaseAligned();
        }
        WatermarkValve valve = valves[input];
        boolean advanced = valve.onChannelEnded(c.channelIndexInInput());
        if (valve.allEnded()) {
          endInput(input);
        } else if (advanced) {
          deliverWatermark(input, valve.current());
        }
        updateIdleness();
      }
      default -> throw new IllegalStateException("Unexpected element tag " + tag);
    }
    return true;
  }

  /** A barrier completed: read every channel again, then advance and forward the clock. */
  private void releaseAligned() throws Exception {
    for (int i = 0; i < aligner.numberOfChannels(); i++) {
      gate.channel(i).setBlocked(false);
    }
    processingTime.advanceTo(aligner.alignedTime());
  }

  private void endInput(int input) throws Exception {
    if (inputEnded[input]) {
      return;
    }
    inputEnded[input] = true;
    openInputs--;
    lastSelection = null; // the selection may now name only ended inputs
    deliverWatermark(input, Watermarks.MAX);
    head.endInput(input);
    if (openInputs == 0) {
      onAllInputsEnded.run();
    }
  }

  /** The task is idle while every open input is idle; tells consumers when that changes. */
  private void updateIdleness() {
    boolean idle = openInputs > 0;
    for (int i = 0; i < valves.length && idle; i++) {
      idle = inputEnded[i] || valves[i].isIdle();
    }
    if (idle != inputsIdle) {
      inputsIdle = idle;
      streamStatus.setIdle(idle);
    }
  }

  private void deliverWatermark(int input, long watermark) throws Exception {
    if (watermark > deliveredWatermark[input]) {
      deliveredWatermark[input] = watermark;
      beforeWatermark.run();
      head.processWatermark(input, watermark);
    }
  }

  private boolean[] selection() {
    int[] s = head.selectedInputs();
    if (s == null) {
      lastSelection = null;
      selectedMask = null;
      return null;
    }
    if (lastSelection != null && Arrays.equals(s, lastSelection)) {
      return selectedMask;
    }
    lastSelection = s.clone();
    boolean[] mask = new boolean[valves.length];
    boolean anyOpen = false;
    for (int i : s) {
      if (i >= 0 && i < mask.length) {
        mask[i] = true;
        anyOpen |= !inputEnded[i];
      }
    }
    selectedMask = anyOpen ? mask : null;
    return selectedMask;
  }
}
