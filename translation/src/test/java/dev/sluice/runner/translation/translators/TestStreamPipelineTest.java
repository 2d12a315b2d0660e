package dev.sluice.runner.translation.translators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.graph.JobConfig;
import dev.sluice.engine.graph.JobGraph;
import dev.sluice.runner.translation.testing.TestPipelines;
import dev.sluice.runner.translation.translators.PrimitivePipelineTest.Backend;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * TestStream pipelines on engine tasks: processing-time advances are replayed on the job's
 * synthetic clock (starting at Beam's minimum timestamp, as the Direct runner's test clock
 * does), so triggers and timers see exactly the advances of the stream and no real time passes
 * (a minutes-long advance would otherwise take minutes).
 */
class TestStreamPipelineTest {

  @Test
  void shouldPutTheJobOnSyntheticProcessingTimeStartingAtBeamsMinimum() {
    Pipeline p = TestPipelines.create();
    p.apply(TestStream.create(VarLongCoder.of()).addElements(1L).advanceWatermarkToInfinity());

    JobGraph graph = TestPipelines.translate(p, 2, true);

    assertThat(JobConfig.syntheticProcessingTime(graph.config())).isTrue();
    assertThat(graph.config()).containsEntry(JobConfig.SYNTHETIC_PROCESSING_TIME_START,
        Long.toString(BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis()));
  }

  @Test
  void shouldLeaveJobsWithoutATestStreamOnTheWallClock() {
    Pipeline p = TestPipelines.create();
    p.apply(Create.of(1L));

    assertThat(JobConfig.syntheticProcessingTime(TestPipelines.translate(p, 2, true).config())).isFalse();
  }

  @Test
  void shouldFireEarlyPanesExactlyAtTheStreamsProcessingTimeAdvances() throws Exception {
    Pipeline p = TestPipelines.create();
    TestStream<KV<String, Long>> events = TestStream.create(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
        .addElements(TimestampedValue.of(KV.of("k", 1L), new Instant(1000)), TimestampedValue.of(KV.of("k", 2L), new Instant(2000)))
        .advanceProcessingTime(Duration.standardMinutes(12))
        .addElements(TimestampedValue.of(KV.of("k", 3L), new Instant(3000)))
        .advanceProcessingTime(Duration.standardMinutes(4)) // 4 < 5: no early pane yet
        .addElements(TimestampedValue.of(KV.of("k", 4L), new Instant(3000)))
        .advanceProcessingTime(Duration.standardMinutes(2))
        .advanceWatermarkToInfinity();
    PCollection<String> panes = p.apply(events)
        .apply(Window.<KV<String, Long>>configure()
            .triggering(AfterWatermark.pastEndOfWindow()
                .withEarlyFirings(AfterProcessingTime.pastFirstElementInPane().plusDelayOf(Duration.standardMinutes(5))))
            .accumulatingFiredPanes()
            .withAllowedLateness(Duration.ZERO))
        .apply(GroupByKey.create())
        .apply(ParDo.of(new SumWithTimingFn()));
    String out = TestPipelines.collect(panes, "Collect");

    Backend.ENGINE.run(TestPipelines.translate(p, 2, true));

    assertThat(TestPipelines.collected(out)).containsExactlyInAnyOrder("3 EARLY", "10 EARLY", "10 ON_TIME");
  }

  /**
   * Early panes through a lifted Combine.perKey: its pre-shuffle partials are released before
   * synthetic time moves even by a millisecond, so the panes follow the stream exactly, also
   * where an advance is shorter than the partials' wall-clock flush interval (element 3 arrives
   * 990 ms into the pane, 20 ms before it fires).
   */
  @Test
  void shouldFireEarlyPanesThroughALiftedCombineExactlyAtTheStreamsAdvances() throws Exception {
    Pipeline p = TestPipelines.create();
    TestStream<KV<String, Long>> events = TestStream.create(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
        .addElements(TimestampedValue.of(KV.of("k", 1L), new Instant(1000)), TimestampedValue.of(KV.of("k", 2L), new Instant(2000)))
        .advanceProcessingTime(Duration.millis(990))
        .addElements(TimestampedValue.of(KV.of("k", 3L), new Instant(3000)))
        .advanceProcessingTime(Duration.millis(20))
        .addElements(TimestampedValue.of(KV.of("k", 4L), new Instant(3000)))
        .advanceWatermarkToInfinity();
    PCollection<String> panes = p.apply(events)
        .apply(Window.<KV<String, Long>>configure()
            .triggering(AfterWatermark.pastEndOfWindow()
                .withEarlyFirings(AfterProcessingTime.pastFirstElementInPane().plusDelayOf(Duration.standardSeconds(1))))
            .accumulatingFiredPanes()
            .withAllowedLateness(Duration.ZERO))
        .apply("Sum", Sum.longsPerKey())
        .apply(ParDo.of(new SumPaneFn()));
    String out = TestPipelines.collect(panes, "Collect");

    JobGraph graph = TestPipelines.translate(p, 2, true);
    assertThat(graph.vertices()).flatExtracting(v -> v.chain()).extracting(c -> c.name()).contains("Sum (partial)");
    Backend.ENGINE.run(graph);

    assertThat(TestPipelines.collected(out)).containsExactlyInAnyOrder("6 EARLY", "10 ON_TIME");
  }

  @Test
  void shouldShowProcessingTimeTimersTheStreamsClock() throws Exception {
    Pipeline p = TestPipelines.create();
    TestStream<KV<String, Long>> events = TestStream.create(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
        .addElements(KV.of("k", 1L))
        .advanceProcessingTime(Duration.standardSeconds(30))
        .addElements(KV.of("k", 2L))
        .advanceProcessingTime(Duration.standardSeconds(45))
        .advanceWatermarkToInfinity();
    String out = TestPipelines.collect(p.apply(events).apply(ParDo.of(new RelativeTimerFn())), "Collect");

    Backend.ENGINE.run(TestPipelines.translate(p, 2, true));

    assertThat(TestPipelines.collected(out)).containsExactly(
        "element 1 at +0s", "element 2 at +30s", "timer at +75s for +60s");
  }

  private static final class SumPaneFn extends DoFn<KV<String, Long>, String> {
    @ProcessElement
    public void process(ProcessContext c) {
      c.output(c.element().getValue() + " " + c.pane().getTiming());
    }
  }

  private static final class SumWithTimingFn extends DoFn<KV<String, Iterable<Long>>, String> {
    @ProcessElement
    public void process(ProcessContext c) {
      long sum = 0;
      for (long v : c.element().getValue()) {
        sum += v;
      }
      c.output(sum + " " + c.pane().getTiming());
    }
  }

  /** Sets (and resets) a processing-time timer one minute after each element. */
  private static final class RelativeTimerFn extends DoFn<KV<String, Long>, String> {
    @TimerId("t")
    private final TimerSpec spec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

    private static String since(Instant t) {
      return "+" + (t.getMillis() - BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis()) / 1000 + "s";
    }

    @ProcessElement
    public void process(ProcessContext c, @TimerId("t") Timer timer) {
      Instant now = timer.getCurrentRelativeTime();
      c.output("element " + c.element().getValue() + " at " + since(now));
      if (c.element().getValue() == 1L) {
        timer.offset(Duration.standardMinutes(1)).setRelative();
      }
    }

    @OnTimer("t")
    public void onTimer(OnTimerContext c, @TimerId("t") Timer timer) {
      c.output("timer at " + since(timer.getCurrentRelativeTime()) + " for " + since(c.fireTimestamp()));
    }
  }
}
