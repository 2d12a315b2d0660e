package dev.sluice.engine.task;

import static dev.sluice.engine.task.TestOperators.events;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.AbstractOperator;
import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.ProcessingTimeService;
import dev.sluice.engine.api.SourceOperator;
import dev.sluice.engine.graph.JobConfig;
import dev.sluice.engine.graph.JobGraphBuilder;
import dev.sluice.engine.graph.Partitioning;
import dev.sluice.engine.task.TestOperators.LongSerializer;
import dev.sluice.engine.task.TestOperators.SequenceSource;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A job on synthetic processing time, run on real tasks: a clock source emits records and
 * processing-time advances; a timer stage (2 subtasks) sets a processing-time timer per record;
 * a sink with three channels (both timer subtasks and a bounded source that never carries the
 * clock) logs the clock it sees with each record. Nothing depends on real time.
 */
class SyntheticProcessingTimeTest {

  private final String id = "spt-" + UUID.randomUUID();
  private final TestJobRunner runner = new TestJobRunner();

  @AfterEach
  void tearDown() {
    runner.close();
  }

  @Test
  void shouldFireTimersBeforeForwardingTheClockAndAlignItOverAllChannels() {
    JobGraphBuilder b = new JobGraphBuilder("synthetic-clock", 16);
    b.setConfig(JobConfig.PROCESSING_TIME_MODE, JobConfig.PROCESSING_TIME_SYNTHETIC);
    b.setConfig(JobConfig.SYNTHETIC_PROCESSING_TIME_START, "100");
    int src = b.addOperator("Clock", () -> new ClockSource(id), 1, 0, 1);
    int timers = b.addOperator("Timers", () -> new TimerStage(id), 2, 1, 1);
    int bounded = b.addOperator("Bounded", () -> new SequenceSource(id + "-seq", 3, v -> 500 + v), 1, 0, 1);
    int sink = b.addOperator("Sink", () -> new ClockSink(id), 1, 1, 0);
    b.connect(src, 0, timers, 0, Partitioning.rebalance(), new LongSerializer(id));
    b.connect(timers, 0, sink, 0, Partitioning.rebalance(), new LongSerializer(id));
    b.connect(bounded, 0, sink, 0, Partitioning.rebalance(), new LongSerializer(id));
    runner.run(b.build());

    List<String> seen = List.copyOf(events(id + "/sink"));
    assertThat(seen).hasSize(5);
    assertThat(seen.subList(0, 3))
        .as("the bounded source's records come before the first barrier can complete (it waits for that channel to end)")
        .containsExactlyInAnyOrder("500@100", "501@100", "502@100");
    assertThat(seen.subList(3, 5))
        .as("timer output reaches the sink while its clock is still at 105: the timers fired before 120 was forwarded")
        .containsExactlyInAnyOrder("1001@105", "1002@105");
    assertThat(events(id + "/timers")).containsExactlyInAnyOrder(
        "rec:1@100", "rec:2@100",
        "fired:110@120", "fired:110@120",
        "rec:3@120");
  }

  @Test
  void shouldGiveOperatorsTheWallClockByDefault() {
    JobGraphBuilder b = new JobGraphBuilder("wall-clock", 16);
    int src = b.addOperator("Bounded", () -> new SequenceSource(id + "-seq", 1, v -> 500 + v), 1, 0, 1);
    int sink = b.addOperator("Sink", () -> new ClockSink(id), 1, 1, 0);
    b.connect(src, 0, sink, 0, Partitioning.forward(), new LongSerializer(id));
    long before = System.currentTimeMillis();
    runner.run(b.build());

    String seen = events(id + "/sink").peek();
    long clock = Long.parseLong(seen.substring(seen.indexOf('@') + 1));
    assertThat(clock).isGreaterThanOrEqualTo(before);
  }

  /** Emits 1, 2, time 105, time 120, 3, one step per call. */
  private static final class ClockSource implements SourceOperator {
    private final String id;
    private int step;

    ClockSource(String id) {
      this.id = id;
    }

    @Override
    public void open(OperatorContext context, Output output) {}

    @Override
    public Status emitNext(Output output) throws Exception {
      switch (step++) {
        case 0 -> output.emit(0, 1L, 0);
        case 1 -> output.emit(0, 2L, 0);
        case 2 -> output.emitProcessingTime(105);
        case 3 -> output.emitProcessingTime(120);
        case 4 -> output.emit(0, 3L, 0);
        default -> {
          return Status.END_OF_INPUT;
        }
      }
      return Status.MORE_AVAILABLE;
    }

    @Override
    public void finish() {}

    @Override
    public void close() {}
  }

  /** Per record v: logs it with the clock, sets a timer 10 ms later that emits 1000 + v. */
  private static final class TimerStage extends AbstractOperator {
    private final String id;

    TimerStage(String id) {
      this.id = id;
    }

    @Override
    public void processElement(int input, Object value, long timestamp) {
      ProcessingTimeService time = context.processingTimeService();
      long v = (Long) value;
      events(id + "/timers").add("rec:" + v + "@" + time.currentTime());
      time.registerTimer(time.currentTime() + 10, t -> {
        events(id + "/timers").add("fired:" + t + "@" + time.currentTime());
        output.emit(0, 1000 + v, 0);
      });
    }
  }

  /** Logs each record with the clock it sees. */
  private static final class ClockSink extends AbstractOperator {
    private final String id;

    ClockSink(String id) {
      this.id = id;
    }

    @Override
    public void processElement(int input, Object value, long timestamp) {
      events(id + "/sink").add(value + "@" + context.processingTimeService().currentTime());
    }
  }
}
