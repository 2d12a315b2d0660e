package dev.sluice.runner.translation.operators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.Watermarks;
import dev.sluice.runner.translation.metrics.MetricsAccumulator;
import dev.sluice.runner.translation.testing.OperatorHarness;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.core.LateDataDroppingDoFnRunner;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Sessions;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.apache.beam.sdk.values.WindowingStrategy.AccumulationMode;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class StreamingGroupByKeyOperatorTest {

  private static final SerializablePipelineOptions OPTIONS = new SerializablePipelineOptions(PipelineOptionsFactory.create());
  private static final String STEP = "GroupByKey";

  @Test
  void shouldFireFixedWindowsAsTheWatermarkPassesTheirEnd() throws Exception {
    WindowingStrategy<?, ?> strategy = WindowingStrategy.of(FixedWindows.of(Duration.millis(10)));
    windows = StreamingGroupByKeyOperatorTest::fixed10;
    try (OperatorHarness h = harness(strategy)) {
      feed(h, "a", 1, 3);
      feed(h, "b", 2, 5);
      feed(h, "a", 3, 12);
      h.watermark(0, 9); // Beam: the end of window (9) is reached once the watermark is after it
      assertThat(h.emitted()).isEmpty();
      h.watermark(0, 10);
      assertThat(panes(h)).containsExactlyInAnyOrder("a[0..10) ON_TIME [1]", "b[0..10) ON_TIME [2]");
      assertThat(output(h).get(0).getTimestamp()).isEqualTo(new Instant(9));
      assertThat(output(h).get(0).getPane().isLast()).isTrue();
      h.endInputsAndFinish(0);
      assertThat(panes(h)).containsExactlyInAnyOrder(
          "a[0..10) ON_TIME [1]", "b[0..10) ON_TIME [2]", "a[10..20) ON_TIME [3]");
      assertThat(h.watermarks()).last().isEqualTo(Watermarks.MAX);
      assertThat(h.watermarks()).isSorted();
    }
  }

  @Test
  void shouldFireEarlyOnTimeAndLatePanesAndDropExpiredData() throws Exception {
    WindowingStrategy<?, ?> strategy = WindowingStrategy.of(FixedWindows.of(Duration.millis(10)))
        .withTrigger(AfterWatermark.pastEndOfWindow()
            .withEarlyFirings(AfterPane.elementCountAtLeast(1))
            .withLateFirings(AfterPane.elementCountAtLeast(1)))
        .withAllowedLateness(Duration.millis(100))
        .withMode(AccumulationMode.ACCUMULATING_FIRED_PANES);
    windows = StreamingGroupByKeyOperatorTest::fixed10;
    try (OperatorHarness h = harness(strategy)) {
      feed(h, "a", 1, 1);
      assertThat(panes(h)).containsExactly("a[0..10) EARLY [1]");
      h.watermark(0, 5);
      feed(h, "a", 2, 2);
      h.watermark(0, 50);
      assertThat(panes(h)).containsExactly("a[0..10) EARLY [1]", "a[0..10) EARLY [1, 2]", "a[0..10) ON_TIME [1, 2]");
      feed(h, "a", 3, 3); // late but within allowed lateness (garbage collection at 9 + 100)
      assertThat(panes(h)).last().isEqualTo("a[0..10) LATE [1, 2, 3]");
      h.watermark(0, 200); // window expired: its state is gone
      feed(h, "a", 4, 4);
      feed(h, "a", 5, 150); // late for [150,160) but not expired
      assertThat(panes(h)).last().isEqualTo("a[150..160) LATE [5]");
      h.endInputsAndFinish(0);
      assertThat(panes(h)).hasSize(5);
      assertThat(dropped(h)).isEqualTo(1);
    }
  }

  /**
   * The watermark jumping to +infinity (end of input) passes a window's end and its garbage-
   * collection time at once: the window fires one ON_TIME pane, not a second, empty one at its
   * garbage-collection timer (Nexmark q10's index step counted each window twice).
   */
  @Test
  void shouldFireOneOnTimePaneWhenTheWatermarkJumpsPastAllowedLateness() throws Exception {
    WindowingStrategy<?, ?> strategy = WindowingStrategy.of(FixedWindows.of(Duration.millis(10)))
        .withAllowedLateness(Duration.standardDays(1));
    windows = StreamingGroupByKeyOperatorTest::fixed10;
    try (OperatorHarness h = harness(strategy)) {
      feed(h, "a", 1, 3);
      feed(h, "a", 2, 14);
      h.endInputsAndFinish(0);
      assertThat(panes(h)).containsExactlyInAnyOrder("a[0..10) ON_TIME [1]", "a[10..20) ON_TIME [2]");
      assertThat(output(h)).allSatisfy(wv -> assertThat(wv.getPane().getIndex()).isZero());
    }
  }

  @Test
  void shouldMergeSessions() throws Exception {
    WindowingStrategy<?, ?> strategy = WindowingStrategy.of(Sessions.withGapDuration(Duration.millis(10)));
    windows = StreamingGroupByKeyOperatorTest::session10;
    try (OperatorHarness h = harness(strategy)) {
      feed(h, "a", 1, 0);
      feed(h, "a", 2, 15);
      feed(h, "b", 9, 0);
      h.watermark(0, 5);
      assertThat(h.emitted()).isEmpty();
      feed(h, "a", 3, 8); // bridges [0,10) and [15,25)
      h.watermark(0, 10); // b's [0,10) fires; a's merged session does not end before 25
      assertThat(panes(h)).containsExactly("b[0..10) ON_TIME [9]");
      h.watermark(0, 25);
      assertThat(panes(h)).containsExactlyInAnyOrder("a[0..25) ON_TIME [1, 2, 3]", "b[0..10) ON_TIME [9]");
    }
  }

  /**
   * A key's ReduceFnRunner is reused across its elements and timers; once all its sessions are
   * gone (state cleared) a later session of the same key must start from the state again, and
   * sessions of a key stay apart or merge exactly as before.
   */
  @Test
  void shouldKeepMergingSessionsOfAKeyAcrossFiringsAndCleanup() throws Exception {
    WindowingStrategy<?, ?> strategy = WindowingStrategy.of(Sessions.withGapDuration(Duration.millis(10)));
    windows = StreamingGroupByKeyOperatorTest::session10;
    try (OperatorHarness h = harness(strategy)) {
      feed(h, "a", 1, 0);
      feed(h, "a", 2, 30);
      feed(h, "a", 3, 5);
      h.watermark(0, 20); // a's [0,15) fires and is cleaned up; [30,40) stays open
      assertThat(panes(h)).containsExactly("a[0..15) ON_TIME [1, 3]");
      feed(h, "a", 4, 35);
      feed(h, "a", 5, 44); // merges into [30,54)
      h.watermark(0, 60); // all of a's windows are gone: its state is cleared
      feed(h, "a", 6, 100);
      feed(h, "a", 7, 104);
      h.watermark(0, 200);
      assertThat(panes(h)).containsExactly(
          "a[0..15) ON_TIME [1, 3]", "a[30..54) ON_TIME [2, 4, 5]", "a[100..114) ON_TIME [6, 7]");
      assertThat(h.watermarks()).last().isEqualTo(200L);
    }
  }

  @Test
  void shouldHoldTheOutputWatermarkAtTheEarliestPendingElement() throws Exception {
    WindowingStrategy<?, ?> strategy = WindowingStrategy.of(FixedWindows.of(Duration.millis(10)))
        .withTimestampCombiner(TimestampCombiner.EARLIEST);
    windows = StreamingGroupByKeyOperatorTest::fixed10;
    try (OperatorHarness h = harness(strategy)) {
      feed(h, "a", 1, 3);
      feed(h, "b", 2, 12);
      h.watermark(0, 6);
      assertThat(h.watermarks()).containsExactly(3L);
      h.watermark(0, 10); // [0,10) fires at timestamp 3; the next hold is b's 12
      assertThat(panes(h)).containsExactly("a[0..10) ON_TIME [1]");
      assertThat(output(h).get(0).getTimestamp()).isEqualTo(new Instant(3));
      assertThat(h.watermarks()).containsExactly(3L, 10L);
      h.watermark(0, 19);
      assertThat(h.watermarks()).containsExactly(3L, 10L, 12L);
      h.watermark(0, 20);
      assertThat(h.watermarks()).containsExactly(3L, 10L, 12L, 20L);
      assertThat(panes(h)).containsExactly("a[0..10) ON_TIME [1]", "b[10..20) ON_TIME [2]");
    }
  }

  @Test
  void shouldFireProcessingTimeTriggers() throws Exception {
    WindowingStrategy<?, ?> strategy = WindowingStrategy.of(new GlobalWindows())
        .withTrigger(Repeatedly.forever(AfterProcessingTime.pastFirstElementInPane().plusDelayOf(Duration.millis(100))))
        .withMode(AccumulationMode.DISCARDING_FIRED_PANES);
    try (OperatorHarness h = harness(strategy)) {
      long start = h.processingTime();
      feed(h, "a", 1, 0);
      feed(h, "a", 2, 1);
      h.advanceProcessingTime(start + 100);
      assertThat(h.emitted()).isEmpty(); // fires once processing time is past the delay
      h.advanceProcessingTime(start + 101);
      assertThat(panes(h)).containsExactly("a[global] EARLY [1, 2]");
      feed(h, "a", 3, 2);
      h.advanceProcessingTime(start + 250);
      assertThat(panes(h)).containsExactly("a[global] EARLY [1, 2]", "a[global] EARLY [3]");
      h.endInputsAndFinish(0);
      assertThat(h.watermarks()).last().isEqualTo(Watermarks.MAX);
    }
  }

  @Test
  void shouldEmitEverythingAtTheEndOfInputInTheGlobalWindow() throws Exception {
    try (OperatorHarness h = harness(WindowingStrategy.globalDefault())) {
      feed(h, "a", 1, 0);
      feed(h, "b", 2, 5);
      feed(h, "a", 3, 7);
      h.watermark(0, 1_000);
      assertThat(h.emitted()).isEmpty();
      h.endInputsAndFinish(0);
      assertThat(panes(h)).containsExactlyInAnyOrder("a[global] ON_TIME [1, 3]", "b[global] ON_TIME [2]");
      assertThat(output(h).get(0).getPane()).isEqualTo(PaneInfo.ON_TIME_AND_ONLY_FIRING);
      // the holds are at the end of the global window, after 1000
      assertThat(h.watermarks()).containsExactly(1_000L, Watermarks.MAX);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static OperatorHarness harness(WindowingStrategy<?, ?> strategy) throws Exception {
    return new OperatorHarness(new StreamingGroupByKeyOperator(
        STEP, StringUtf8Coder.of(), VarIntCoder.of(), strategy, OPTIONS));
  }

  /** How the test's input is windowed (as a WindowInto before the GroupByKey would do). */
  private java.util.function.Function<Instant, BoundedWindow> windows = t -> GlobalWindow.INSTANCE;

  private static BoundedWindow fixed10(Instant t) {
    long start = Math.floorDiv(t.getMillis(), 10L) * 10L;
    return new IntervalWindow(new Instant(start), new Instant(start + 10));
  }

  private static BoundedWindow session10(Instant t) {
    return new IntervalWindow(t, t.plus(Duration.millis(10)));
  }

  private void feed(OperatorHarness h, String key, int value, long ts) throws Exception {
    Instant t = new Instant(ts);
    h.process(0, WindowedValue.of(KV.of(key, value), t, windows.apply(t), PaneInfo.NO_FIRING), ts);
  }

  @SuppressWarnings("unchecked")
  private static List<WindowedValue<KV<String, Iterable<Integer>>>> output(OperatorHarness h) {
    List<WindowedValue<KV<String, Iterable<Integer>>>> out = new ArrayList<>();
    for (Object o : h.values(0)) {
      out.add((WindowedValue<KV<String, Iterable<Integer>>>) o);
    }
    return out;
  }

  /** Panes as "key[window] TIMING [sorted values]". */
  private static List<String> panes(OperatorHarness h) {
    List<String> out = new ArrayList<>();
    for (WindowedValue<KV<String, Iterable<Integer>>> wv : output(h)) {
      BoundedWindow w = wv.getWindows().iterator().next();
      String window = w instanceof GlobalWindow ? "global]"
          : ((IntervalWindow) w).start().getMillis() + ".." + ((IntervalWindow) w).end().getMillis() + ")";
      List<Integer> values = new ArrayList<>();
      wv.getValue().getValue().forEach(values::add);
      values.sort(null);
      out.add(wv.getValue().getKey() + "[" + window + " "
          + wv.getPane().getTiming() + " " + values);
    }
    return out;
  }

  private static long dropped(OperatorHarness h) {
    MetricsAccumulator metrics = (MetricsAccumulator) h.accumulators().get(MetricsAccumulator.NAME);
    return metrics.stepMap().getContainer(STEP)
        .getCounter(MetricName.named(LateDataDroppingDoFnRunner.class, LateDataDroppingDoFnRunner.DROPPED_DUE_TO_LATENESS))
        .getCumulative();
  }
}
