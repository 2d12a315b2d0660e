package dev.sluice.engine.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.AbstractOperator;
import dev.sluice.engine.api.Operator;
import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.Watermarks;
import dev.sluice.engine.graph.JobId;
import dev.sluice.engine.graph.Partitioning;
import dev.sluice.engine.network.InputGate;
import dev.sluice.engine.network.LocalShuffleEnvironment;
import dev.sluice.engine.network.RecordWriter;
import dev.sluice.engine.network.ResultPartitionId;
import dev.sluice.engine.task.TestOperators.LongSerializer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Watermark merging and end-of-input handling of the input processor, stepped by hand on one
 * thread: input 0 has two channels (producers a0, a1), input 1 has one (producer b).
 */
class StreamInputProcessorTest {

  private final LocalShuffleEnvironment shuffle = new LocalShuffleEnvironment(1024, 4);
  private final JobId job = JobId.generate();
  private final List<String> calls = new ArrayList<>();
  private RecordWriter a0;
  private RecordWriter a1;
  private RecordWriter b;
  private StreamInputProcessor processor;
  private int[] selection;

  @BeforeEach
  void setUp() {
    LongSerializer serializer = new LongSerializer("sip");
    a0 = writer(0, 0);
    a1 = writer(0, 1);
    b = writer(1, 0);
    InputGate gate = shuffle.createInputGate(() -> {});
    gate.addChannel(0, 0, new ResultPartitionId(job, 0, 0), 0, serializer);
    gate.addChannel(0, 1, new ResultPartitionId(job, 0, 1), 0, serializer);
    gate.addChannel(1, 0, new ResultPartitionId(job, 1, 0), 0, serializer);
    gate.requestPartitions();
    processor = new StreamInputProcessor(gate, new RecordingOperator(), new int[] {2, 1}, () -> calls.add("allInputsEnded"));
  }

  @AfterEach
  void tearDown() {
    shuffle.close();
  }

  @Test
  void shouldPassTheMinimumOverAnInputsChannels() throws Exception {
    a0.broadcastWatermark(10);
    runAll();
    assertThat(calls).as("a1 still at MIN").isEmpty();
    a1.broadcastWatermark(20);
    runAll();
    assertThat(calls).containsExactly("wm:0:10");
    a0.broadcastWatermark(30);
    runAll();
    assertThat(calls).containsExactly("wm:0:10", "wm:0:20");
    b.broadcastWatermark(5);
    runAll();
    assertThat(calls).as("inputs are merged by the operator, not the task").containsExactly("wm:0:10", "wm:0:20", "wm:1:5");
  }

  @Test
  void shouldEndAnInputWithMaxWatermarkThenEndInputOnlyWhenAllItsChannelsEnded() throws Exception {
    a0.broadcastWatermark(10);
    a1.broadcastWatermark(20);
    a1.finish();
    runAll();
    assertThat(calls).as("ended a1 leaves the minimum").containsExactly("wm:0:10");
    a0.emit(1L, 1);
    a0.finish();
    runAll();
    assertThat(calls).containsExactly("wm:0:10", "rec:0:1", "wm:0:" + Watermarks.MAX, "end:0");
    b.broadcastWatermark(Watermarks.MAX);
    b.finish();
    runAll();
    assertThat(calls).as("MAX is not delivered twice").containsExactly(
        "wm:0:10", "rec:0:1", "wm:0:" + Watermarks.MAX, "end:0", "wm:1:" + Watermarks.MAX, "end:1", "allInputsEnded");
  }

  @Test
  void shouldReadOnlySelectedInputsAndFallBackToAllWhenTheSelectionEnded() throws Exception {
    selection = new int[] {1};
    a0.emit(1L, 0);
    a0.flushAll();
    b.emit(2L, 0);
    b.flushAll();
    runAll();
    assertThat(calls).containsExactly("rec:1:2");
    b.finish();
    runAll();
    assertThat(calls).containsExactly("rec:1:2", "wm:1:" + Watermarks.MAX, "end:1", "rec:0:1");
  }

  @Test
  void shouldForwardTheMinimumOverChannelsAndInputsThroughAnAbstractOperator() throws Exception {
    List<Long> forwarded = new ArrayList<>();
    AbstractOperator twoInputs = new AbstractOperator() {
      @Override
      protected int numberOfInputs() {
        return 2;
      }

      @Override
      public void processElement(int input, Object value, long timestamp) {}
    };
    twoInputs.open(null, new Output() {
      @Override
      public void emit(int port, Object value, long timestamp) {}

      @Override
      public void emitWatermark(long watermark) {
        forwarded.add(watermark);
      }
    });
    InputGate gate = shuffle.createInputGate(() -> {});
    LongSerializer serializer = new LongSerializer("sip");
    RecordWriter c0 = writer(2, 0);
    RecordWriter c1 = writer(2, 1);
    RecordWriter d = writer(3, 0);
    gate.addChannel(0, 0, new ResultPartitionId(job, 2, 0), 0, serializer);
    gate.addChannel(0, 1, new ResultPartitionId(job, 2, 1), 0, serializer);
    gate.addChannel(1, 0, new ResultPartitionId(job, 3, 0), 0, serializer);
    gate.requestPartitions();
    processor = new StreamInputProcessor(gate, twoInputs, new int[] {2, 1}, () -> calls.add("allInputsEnded"));

    c0.broadcastWatermark(10);
    c1.broadcastWatermark(20);
    runAll();
    assertThat(forwarded).as("input 1 still at MIN").isEmpty();
    d.broadcastWatermark(5);
    runAll();
    assertThat(forwarded).containsExactly(5L);
    c0.broadcastWatermark(30);
    runAll();
    assertThat(forwarded).as("input 0 rose to 20, input 1 still 5").containsExactly(5L);
    d.broadcastWatermark(50);
    runAll();
    assertThat(forwarded).containsExactly(5L, 20L);
    c1.finish();
    runAll();
    assertThat(forwarded).as("ended c1 leaves input 0 at c0's 30").containsExactly(5L, 20L, 30L);
    c0.finish();
    runAll();
    assertThat(forwarded).as("input 0 ended: input 1's 50").containsExactly(5L, 20L, 30L, 50L);
    d.finish();
    runAll();
    assertThat(forwarded).containsExactly(5L, 20L, 30L, 50L, Watermarks.MAX);
    assertThat(calls).containsExactly("allInputsEnded");
  }

  @Test
  void shouldLeaveAnIdleChannelOutOfTheMinimumAndMakeTheTaskIdleWhenAllInputsAre() throws Exception {
    RecordWriter out = writer(9, 0);
    StreamStatusMaintainer status = new StreamStatusMaintainer(List.of(out));
    InputGate gate = shuffle.createInputGate(() -> {});
    LongSerializer serializer = new LongSerializer("sip");
    RecordWriter c0 = writer(2, 0);
    RecordWriter c1 = writer(2, 1);
    RecordWriter d = writer(3, 0);
    gate.addChannel(0, 0, new ResultPartitionId(job, 2, 0), 0, serializer);
    gate.addChannel(0, 1, new ResultPartitionId(job, 2, 1), 0, serializer);
    gate.addChannel(1, 0, new ResultPartitionId(job, 3, 0), 0, serializer);
    gate.requestPartitions();
    InputGate downstream = shuffle.createInputGate(() -> {});
    downstream.addChannel(0, 0, new ResultPartitionId(job, 9, 0), 0, serializer);
    downstream.requestPartitions();
    processor = new StreamInputProcessor(gate, new RecordingOperator(), new int[] {2, 1}, () -> {}, status);

    c1.broadcastStreamStatus(true);
    c0.broadcastWatermark(10);
    runAll();
    assertThat(calls).as("idle c1 does not hold input 0 back").containsExactly("wm:0:10");
    assertThat(status.isIdle()).isFalse();

    c0.broadcastStreamStatus(true);
    runAll();
    assertThat(status.isIdle()).as("input 1 is still active").isFalse();
    d.broadcastStreamStatus(true);
    runAll();
    assertThat(status.isIdle()).isTrue();
    assertThat(statusEvents(downstream)).containsExactly(true);

    c1.broadcastStreamStatus(false);
    c1.broadcastWatermark(5);
    c1.broadcastWatermark(15);
    runAll();
    assertThat(status.isIdle()).isFalse();
    assertThat(statusEvents(downstream)).containsExactly(false);
    assertThat(calls).as("back at 5, behind 10: no advance until past it").containsExactly("wm:0:10", "wm:0:15");

    c1.finish();
    d.finish();
    runAll();
    assertThat(status.isIdle()).as("only idle c0 is left open").isTrue();
    assertThat(statusEvents(downstream)).containsExactly(true);
  }

  @Test
  void shouldRunTheBeforeWatermarkActionBeforeTheHeadSeesEachAdvance() throws Exception {
    processor.setBeforeWatermark(() -> calls.add("flush"));
    a0.broadcastWatermark(10);
    a1.broadcastWatermark(5);
    a1.broadcastWatermark(5);
    runAll();
    assertThat(calls).as("only advances reach the head").containsExactly("flush", "wm:0:5");
  }

  @Test
  void shouldHoldAChannelAtAProcessingTimeBarrierUntilEveryOpenChannelDeliveredIt() throws Exception {
    processor.setProcessingTimeHandler(t -> calls.add("pt:" + t));
    a0.emit(1L, 0);
    a0.broadcastProcessingTime(10);
    a0.emit(2L, 0);
    a0.flushAll();
    a1.emit(3L, 0);
    a1.flushAll();
    runAll();
    assertThat(calls).as("a0 waits at the barrier; its record 2 belongs after it").containsExactly("rec:0:1", "rec:0:3");

    a1.broadcastProcessingTime(10);
    runAll();
    assertThat(calls).as("b (other input) has not delivered it").containsExactly("rec:0:1", "rec:0:3");

    b.broadcastProcessingTime(10);
    runAll();
    assertThat(calls).containsExactly("rec:0:1", "rec:0:3", "pt:10", "rec:0:2");

    calls.clear();
    b.finish();
    a0.broadcastProcessingTime(25);
    a1.broadcastProcessingTime(25);
    runAll();
    assertThat(calls).as("an ended channel is not waited for").containsExactly("wm:1:" + Watermarks.MAX, "end:1", "pt:25");
  }

  @Test
  void shouldReadUnselectedInputsWhileTheSelectedOnesWaitAtABarrier() throws Exception {
    processor.setProcessingTimeHandler(t -> calls.add("pt:" + t));
    selection = new int[] {0};
    b.emit(7L, 0);
    b.broadcastProcessingTime(10);
    a0.broadcastProcessingTime(10);
    a1.broadcastProcessingTime(10);
    runAll();
    assertThat(calls).as("input 0 is blocked, so input 1 is read although not selected")
        .containsExactly("rec:1:7", "pt:10");
  }

  @Test
  void shouldCompleteABarrierWhenTheLastChannelItWaitsForEnds() throws Exception {
    processor.setProcessingTimeHandler(t -> calls.add("pt:" + t));
    a0.broadcastProcessingTime(10);
    a1.broadcastProcessingTime(10);
    runAll();
    assertThat(calls).isEmpty();
    b.emit(9L, 0);
    b.finish();
    runAll();
    assertThat(calls).containsExactly("rec:1:9", "pt:10", "wm:1:" + Watermarks.MAX, "end:1");
  }

  /** The stream status events (true = idle) waiting in {@code gate}. */
  private static List<Boolean> statusEvents(InputGate gate) throws Exception {
    List<Boolean> events = new ArrayList<>();
    int tag;
    while ((tag = gate.pollNext(null)) != dev.sluice.engine.network.LocalInputChannel.NONE) {
      if (tag == dev.sluice.engine.element.ElementCodec.STREAM_STATUS) {
        events.add(gate.lastChannel().idle());
      }
    }
    return events;
  }

  private void runAll() throws Exception {
    while (processor.runStep()) {
      // step until nothing is available
    }
  }

  private RecordWriter writer(int edge, int producer) {
    return new RecordWriter(shuffle.createResultPartition(new ResultPartitionId(job, edge, producer), 1),
        Partitioning.forward(), new LongSerializer("sip"), 128, producer, false);
  }

  private final class RecordingOperator implements Operator {
    @Override
    public void open(OperatorContext context, Output output) {}

    @Override
    public void processElement(int input, Object value, long timestamp) {
      calls.add("rec:" + input + ":" + value);
    }

    @Override
    public void processWatermark(int input, long watermark) {
      calls.add("wm:" + input + ":" + watermark);
    }

    @Override
    public void endInput(int input) {
      calls.add("end:" + input);
    }

    @Override
    public void finish() {}

    @Override
    public void close() {}

    @Override
    public int[] selectedInputs() {
      return selection;
    }
  }
}
