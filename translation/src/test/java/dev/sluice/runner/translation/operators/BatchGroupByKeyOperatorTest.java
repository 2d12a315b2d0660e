package dev.sluice.runner.translation.operators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.Watermarks;
import dev.sluice.runner.translation.testing.OperatorHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.windowing.AfterEach;
import org.apache.beam.sdk.transforms.windowing.AfterFirst;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Sessions;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.Trigger;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class BatchGroupByKeyOperatorTest {

  private static final SerializablePipelineOptions OPTIONS = new SerializablePipelineOptions(PipelineOptionsFactory.create());

  @Test
  void shouldGroupByKeyInTheGlobalWindow() throws Exception {
    try (OperatorHarness h = harness(WindowingStrategy.globalDefault(), 0)) {
      feedGlobal(h, KV.of("a", 1), KV.of("b", 2), KV.of("a", 3));
      h.endInputsAndFinish(0);

      List<WindowedValue<KV<String, Iterable<Integer>>>> out = output(h);
      assertThat(out).hasSize(2);
      assertThat(out.get(0).getValue().getKey()).isEqualTo("a");
      assertThat(out.get(0).getValue().getValue()).containsExactlyInAnyOrder(1, 3);
      assertThat(out.get(1).getValue().getKey()).isEqualTo("b");
      assertThat(out.get(1).getValue().getValue()).containsExactly(2);
      assertThat(new ArrayList<Object>(out.get(0).getWindows())).containsExactly(GlobalWindow.INSTANCE);
      assertThat(out.get(0).getPane()).isEqualTo(PaneInfo.ON_TIME_AND_ONLY_FIRING);
      assertThat(out.get(0).getTimestamp()).isEqualTo(GlobalWindow.INSTANCE.maxTimestamp());
      assertThat(h.watermarks()).containsExactly(Watermarks.MAX);
    }
  }

  @Test
  void shouldGroupByEncodedKeyNotByKeyIdentity() throws Exception {
    BatchGroupByKeyOperator<byte[], Integer, GlobalWindow> op = new BatchGroupByKeyOperator<>(
        org.apache.beam.sdk.coders.ByteArrayCoder.of(), VarIntCoder.of(), WindowingStrategy.globalDefault(), OPTIONS);
    try (OperatorHarness h = new OperatorHarness(op)) {
      // Equal contents, different arrays: byte[] has identity equals, the encodings are equal.
      h.process(0, WindowedValue.valueInGlobalWindow(KV.of(new byte[] {1, 2}, 1)), 0);
      h.process(0, WindowedValue.valueInGlobalWindow(KV.of(new byte[] {1, 2}, 2)), 0);
      h.endInputsAndFinish(0);

      assertThat(h.values(0)).singleElement().satisfies(o -> {
        @SuppressWarnings("unchecked")
        KV<byte[], Iterable<Integer>> kv = ((WindowedValue<KV<byte[], Iterable<Integer>>>) o).getValue();
        assertThat(kv.getKey()).containsExactly(1, 2);
        assertThat(kv.getValue()).containsExactlyInAnyOrder(1, 2);
      });
    }
  }

  @Test
  void shouldLetTheResultBeIteratedTwice() throws Exception {
    try (OperatorHarness h = harness(WindowingStrategy.globalDefault(), 0)) {
      feedGlobal(h, KV.of("a", 1), KV.of("a", 2));
      h.endInputsAndFinish(0);

      Iterable<Integer> values = output(h).get(0).getValue().getValue();
      assertThat(values).containsExactlyInAnyOrder(1, 2);
      assertThat(values).containsExactlyInAnyOrder(1, 2);
    }
  }

  @Test
  void shouldGroupPerFixedWindowWithEndOfWindowTimestamps() throws Exception {
    WindowingStrategy<?, ?> ws = WindowingStrategy.of(FixedWindows.of(Duration.millis(10)));
    try (OperatorHarness h = harness(ws, 0)) {
      feed(h, ws.getWindowFn(), "a", 1, 3);
      feed(h, ws.getWindowFn(), "a", 2, 15);
      // Out of timestamp order but, in batch, not late: the watermark is -infinity until the end.
      feed(h, ws.getWindowFn(), "a", 3, 1);
      h.endInputsAndFinish(0);

      Map<String, List<Integer>> byWindow = byWindow(output(h));
      assertThat(byWindow).containsOnlyKeys("a@[0,10)", "a@[10,20)");
      assertThat(byWindow.get("a@[0,10)")).containsExactlyInAnyOrder(1, 3);
      assertThat(byWindow.get("a@[10,20)")).containsExactly(2);
      for (WindowedValue<KV<String, Iterable<Integer>>> wv : output(h)) {
        assertThat(wv.getTimestamp()).isEqualTo(window(wv).maxTimestamp());
        assertThat(wv.getPane().getTiming()).isEqualTo(PaneInfo.Timing.ON_TIME);
      }
    }
  }

  @Test
  void shouldPutElementsIntoEverySlidingWindow() throws Exception {
    WindowingStrategy<?, ?> ws = WindowingStrategy.of(SlidingWindows.of(Duration.millis(10)).every(Duration.millis(5)))
        .withTimestampCombiner(TimestampCombiner.EARLIEST);
    try (OperatorHarness h = harness(ws, 0)) {
      feed(h, ws.getWindowFn(), "k", 1, 7);
      feed(h, ws.getWindowFn(), "k", 2, 12);
      h.endInputsAndFinish(0);

      Map<String, List<Integer>> byWindow = byWindow(output(h));
      assertThat(byWindow).containsOnlyKeys("k@[0,10)", "k@[5,15)", "k@[10,20)");
      assertThat(byWindow.get("k@[5,15)")).containsExactlyInAnyOrder(1, 2);
      for (WindowedValue<KV<String, Iterable<Integer>>> wv : output(h)) {
        if (window(wv).start().getMillis() == 5) {
          assertThat(wv.getTimestamp()).isEqualTo(new Instant(7));
        }
      }
    }
  }

  @Test
  void shouldMergeSessionsAndApplyTheLatestTimestamp() throws Exception {
    WindowingStrategy<?, ?> ws = WindowingStrategy.of(Sessions.withGapDuration(Duration.millis(10)))
        .withTimestampCombiner(TimestampCombiner.LATEST);
    try (OperatorHarness h = harness(ws, 0)) {
      feed(h, ws.getWindowFn(), "s", 1, 0);
      feed(h, ws.getWindowFn(), "s", 2, 30);
      feed(h, ws.getWindowFn(), "s", 3, 5);
      feed(h, ws.getWindowFn(), "t", 4, 8);
      h.endInputsAndFinish(0);

      Map<String, List<Integer>> byWindow = byWindow(output(h));
      assertThat(byWindow).containsOnlyKeys("s@[0,15)", "s@[30,40)", "t@[8,18)");
      assertThat(byWindow.get("s@[0,15)")).containsExactlyInAnyOrder(1, 3);
      WindowedValue<KV<String, Iterable<Integer>>> merged = output(h).stream()
          .filter(wv -> wv.getValue().getKey().equals("s") && window(wv).start().getMillis() == 0)
          .findFirst().orElseThrow();
      assertThat(merged.getTimestamp()).isEqualTo(new Instant(5));
    }
  }

  @Test
  void shouldEmitOneOnTimeAndLastPaneEvenWhenLatenessIsAllowed() throws Exception {
    // The watermark jumps from -infinity past end of window and garbage collection at once.
    WindowingStrategy<?, ?> ws = WindowingStrategy.of(FixedWindows.of(Duration.millis(10)))
        .withAllowedLateness(Duration.standardMinutes(1));
    try (OperatorHarness h = harness(ws, 0)) {
      feed(h, ws.getWindowFn(), "a", 1, 3);
      h.endInputsAndFinish(0);

      List<WindowedValue<KV<String, Iterable<Integer>>>> out = output(h);
      assertThat(out).hasSize(1);
      assertThat(out.get(0).getPane()).isEqualTo(PaneInfo.ON_TIME_AND_ONLY_FIRING);
    }
  }

  @Test
  void shouldFireEarlyPanesOfADataDrivenTrigger() throws Exception {
    WindowingStrategy<?, ?> ws = WindowingStrategy.of(new GlobalWindows())
        .withTrigger(Repeatedly.forever(AfterPane.elementCountAtLeast(2)))
        .withMode(WindowingStrategy.AccumulationMode.DISCARDING_FIRED_PANES);
    try (OperatorHarness h = harness(ws, 0)) {
      feedGlobal(h, KV.of("a", 1), KV.of("a", 2), KV.of("a", 3));
      h.endInputsAndFinish(0);

      // All three arrive in one bundle: one firing holds them all.
      List<Integer> all = new ArrayList<>();
      for (WindowedValue<KV<String, Iterable<Integer>>> wv : output(h)) {
        wv.getValue().getValue().forEach(all::add);
      }
      assertThat(all).containsExactlyInAnyOrder(1, 2, 3);
    }
  }

  @Test
  void shouldFireProcessingTimeTriggersAtTheEnd() throws Exception {
    WindowingStrategy<?, ?> ws = WindowingStrategy.of(FixedWindows.of(Duration.millis(10)))
        .withTrigger(org.apache.beam.sdk.transforms.windowing.AfterWatermark.pastEndOfWindow()
            .withEarlyFirings(org.apache.beam.sdk.transforms.windowing.AfterProcessingTime.pastFirstElementInPane()
                .plusDelayOf(Duration.standardMinutes(1))))
        .withMode(WindowingStrategy.AccumulationMode.ACCUMULATING_FIRED_PANES)
        .withAllowedLateness(Duration.standardMinutes(5));
    try (OperatorHarness h = harness(ws, 0)) {
      feed(h, ws.getWindowFn(), "a", 1, 1);
      feed(h, ws.getWindowFn(), "a", 2, 2);
      h.endInputsAndFinish(0);

      List<WindowedValue<KV<String, Iterable<Integer>>>> out = output(h);
      assertThat(out).isNotEmpty();
      WindowedValue<KV<String, Iterable<Integer>>> last = out.get(out.size() - 1);
      assertThat(last.getValue().getValue()).containsExactlyInAnyOrder(1, 2);
      assertThat(last.getPane().isLast()).isTrue();
      assertThat(out).allSatisfy(wv -> assertThat(wv.getPane().getTiming()).isNotEqualTo(PaneInfo.Timing.LATE));
    }
  }

  @Test
  void shouldEmitNothingButTheWatermarkForEmptyInput() throws Exception {
    try (OperatorHarness h = harness(WindowingStrategy.globalDefault(), 0)) {
      h.endInputsAndFinish(0);
      assertThat(h.emitted()).isEmpty();
      assertThat(h.watermarks()).containsExactly(Watermarks.MAX);
    }
  }

  @Test
  void shouldHoldWatermarksUntilAllGroupsAreOut() throws Exception {
    try (OperatorHarness h = harness(WindowingStrategy.globalDefault(), 0)) {
      feedGlobal(h, KV.of("a", 1));
      h.watermark(0, 100);
      assertThat(h.watermarks()).isEmpty();
      assertThat(h.emitted()).isEmpty();
      h.endInputsAndFinish(0);
      assertThat(h.emitted()).hasSize(1);
      assertThat(h.watermarks()).containsExactly(Watermarks.MAX);
    }
  }

  @Test
  void shouldGroupManyKeysWithASmallMemoryBudget() throws Exception {
    int keys = 2_000;
    @SuppressWarnings({"unchecked", "rawtypes"})
    BatchGroupByKeyOperator<String, Integer, BoundedWindow> op = new BatchGroupByKeyOperator<>(
        StringUtf8Coder.of(), VarIntCoder.of(), (WindowingStrategy) WindowingStrategy.globalDefault(), OPTIONS, 16 * 1024);
    try (OperatorHarness h = new OperatorHarness(op)) {
      for (int round = 0; round < 5; round++) {
        for (int k = 0; k < keys; k++) {
          feedGlobal(h, KV.of("key-" + k, round));
        }
      }
      h.endInputsAndFinish(0);

      List<WindowedValue<KV<String, Iterable<Integer>>>> out = output(h);
      assertThat(out).hasSize(keys);
      for (WindowedValue<KV<String, Iterable<Integer>>> wv : out) {
        assertThat(wv.getValue().getValue()).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
      }
      assertThat(op.spillCount()).isGreaterThan(1);
    }
  }

  @Test
  void shouldGiveTheSameResultOnTheDirectPathAsWithReduceFnRunner() throws Exception {
    List<WindowingStrategy<?, ?>> strategies = List.of(
        WindowingStrategy.globalDefault(),
        WindowingStrategy.of(FixedWindows.of(Duration.millis(7))),
        WindowingStrategy.of(FixedWindows.of(Duration.millis(7))).withTimestampCombiner(TimestampCombiner.EARLIEST)
            .withAllowedLateness(Duration.millis(100)),
        WindowingStrategy.of(SlidingWindows.of(Duration.millis(10)).every(Duration.millis(3)))
            .withTimestampCombiner(TimestampCombiner.LATEST),
        WindowingStrategy.of(SlidingWindows.of(Duration.millis(10)).every(Duration.millis(3))));
    java.util.Random random = new java.util.Random(42);
    for (WindowingStrategy<?, ?> ws : strategies) {
      List<Object[]> input = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        input.add(new Object[] {"k" + random.nextInt(10), random.nextInt(1000), (long) random.nextInt(100)});
      }
      List<String> direct = runBoth(ws, input, true);
      List<String> viaRunner = runBoth(ws, input, false);
      assertThat(direct).as(ws.toString()).isNotEmpty().containsExactlyInAnyOrderElementsOf(viaRunner);
    }
  }

  /**
   * Merging windows and non-default triggers: the direct path (default trigger) and the
   * stand-in path (other triggers, windows below the smallest element-count threshold) give
   * what ReduceFnRunner on all values gives, panes included. Keys have from one to many values
   * per window, so both sides of the count threshold are covered.
   */
  @Test
  void shouldGiveTheSameResultForMergingWindowsAndTriggersAsWithReduceFnRunner() throws Exception {
    Trigger q10Like = AfterEach.inOrder(
        Repeatedly.forever(AfterPane.elementCountAtLeast(4)).orFinally(AfterWatermark.pastEndOfWindow()),
        Repeatedly.forever(AfterFirst.of(
            AfterPane.elementCountAtLeast(4), AfterProcessingTime.pastFirstElementInPane().plusDelayOf(Duration.millis(5)))));
    List<WindowingStrategy<?, ?>> strategies = List.of(
        WindowingStrategy.of(Sessions.withGapDuration(Duration.millis(10))),
        WindowingStrategy.of(Sessions.withGapDuration(Duration.millis(10)))
            .withTimestampCombiner(TimestampCombiner.EARLIEST).withAllowedLateness(Duration.millis(50)),
        WindowingStrategy.of(Sessions.withGapDuration(Duration.millis(10)))
            .withTimestampCombiner(TimestampCombiner.LATEST),
        WindowingStrategy.of(Sessions.withGapDuration(Duration.millis(10)))
            .withTrigger(Repeatedly.forever(AfterPane.elementCountAtLeast(3)))
            .withMode(WindowingStrategy.AccumulationMode.DISCARDING_FIRED_PANES)
            .withAllowedLateness(Duration.millis(3)),
        WindowingStrategy.of(Sessions.withGapDuration(Duration.millis(10)))
            .withTrigger(Repeatedly.forever(AfterPane.elementCountAtLeast(3)))
            .withMode(WindowingStrategy.AccumulationMode.ACCUMULATING_FIRED_PANES)
            .withTimestampCombiner(TimestampCombiner.EARLIEST),
        WindowingStrategy.of(FixedWindows.of(Duration.millis(20)))
            .withTrigger(q10Like)
            .withMode(WindowingStrategy.AccumulationMode.DISCARDING_FIRED_PANES)
            .withAllowedLateness(Duration.standardDays(1)),
        WindowingStrategy.of(FixedWindows.of(Duration.millis(20)))
            .withTrigger(AfterWatermark.pastEndOfWindow()
                .withEarlyFirings(AfterProcessingTime.pastFirstElementInPane().plusDelayOf(Duration.millis(1)))
                .withLateFirings(AfterPane.elementCountAtLeast(5)))
            .withMode(WindowingStrategy.AccumulationMode.ACCUMULATING_FIRED_PANES)
            .withAllowedLateness(Duration.millis(5)),
        WindowingStrategy.of(SlidingWindows.of(Duration.millis(10)).every(Duration.millis(5)))
            .withTrigger(Repeatedly.forever(AfterPane.elementCountAtLeast(2)))
            .withMode(WindowingStrategy.AccumulationMode.DISCARDING_FIRED_PANES));
    java.util.Random random = new java.util.Random(7);
    for (WindowingStrategy<?, ?> ws : strategies) {
      List<Object[]> input = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        // Key k has about k values: a few keys have windows over the thresholds, most do not.
        int k = (int) Math.sqrt(random.nextInt(400));
        input.add(new Object[] {"k" + k, random.nextInt(1000), (long) random.nextInt(40 * (k + 1))});
      }
      long[] reducedKeys = new long[2];
      List<String> direct = runBoth(ws, input, true, reducedKeys);
      List<String> viaRunner = runBoth(ws, input, false, new long[2]);
      assertThat(direct).as(ws.toString()).isNotEmpty().containsExactlyInAnyOrderElementsOf(viaRunner);
      if (!(ws.getTrigger() instanceof DefaultTrigger)) {
        assertThat(reducedKeys[0]).as("keys via stand-ins: " + ws).isPositive();
        assertThat(reducedKeys[1]).as("keys on all values: " + ws).isPositive();
      }
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<String> runBoth(WindowingStrategy<?, ?> ws, List<Object[]> input, boolean allowDirect) throws Exception {
    return runBoth(ws, input, allowDirect, new long[2]);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<String> runBoth(WindowingStrategy<?, ?> ws, List<Object[]> input, boolean allowDirect, long[] reducedKeys)
      throws Exception {
    BatchGroupByKeyOperator<String, Integer, BoundedWindow> op = new BatchGroupByKeyOperator<>(
        StringUtf8Coder.of(), VarIntCoder.of(), (WindowingStrategy) ws, OPTIONS, 0, allowDirect);
    try (OperatorHarness h = new OperatorHarness(op)) {
      for (Object[] in : input) {
        if (ws.getWindowFn() instanceof GlobalWindows) {
          h.process(0, WindowedValue.timestampedValueInGlobalWindow(KV.of((String) in[0], (Integer) in[1]), new Instant((Long) in[2])),
              (Long) in[2]);
        } else {
          feed(h, ws.getWindowFn(), (String) in[0], (Integer) in[1], (Long) in[2]);
        }
      }
      h.endInputsAndFinish(0);
      System.arraycopy(op.reducedKeys(), 0, reducedKeys, 0, 2);
      List<String> out = new ArrayList<>();
      for (WindowedValue<KV<String, Iterable<Integer>>> wv : output(h)) {
        List<Integer> values = new ArrayList<>();
        wv.getValue().getValue().forEach(values::add);
        values.sort(null);
        out.add(wv.getValue().getKey() + " " + wv.getWindows() + " " + values + " @" + wv.getTimestamp().getMillis() + " " + wv.getPane());
      }
      return out;
    }
  }

  // ---- helpers ----

  private static OperatorHarness harness(WindowingStrategy<?, ?> ws, long budget) throws Exception {
    @SuppressWarnings({"unchecked", "rawtypes"})
    BatchGroupByKeyOperator<String, Integer, BoundedWindow> op = new BatchGroupByKeyOperator<>(
        StringUtf8Coder.of(), VarIntCoder.of(), (WindowingStrategy) ws, OPTIONS, budget);
    return new OperatorHarness(op);
  }

  @SafeVarargs
  private static void feedGlobal(OperatorHarness h, KV<String, Integer>... kvs) throws Exception {
    for (KV<String, Integer> kv : kvs) {
      h.process(0, WindowedValue.valueInGlobalWindow(kv), BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis());
    }
  }

  /** Feeds one element with its windows assigned by {@code windowFn}, as Window.into would. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static void feed(OperatorHarness h, WindowFn windowFn, String key, int value, long timestamp) throws Exception {
    Instant ts = new Instant(timestamp);
    Object element = KV.of(key, value);
    java.util.Collection windows = windowFn.assignWindows(windowFn.new AssignContext() {
      @Override public Object element() { return element; }
      @Override public Instant timestamp() { return ts; }
      @Override public BoundedWindow window() { return GlobalWindow.INSTANCE; }
    });
    h.process(0, WindowedValue.of(element, ts, windows, PaneInfo.NO_FIRING), timestamp);
  }

  @SuppressWarnings("unchecked")
  private static List<WindowedValue<KV<String, Iterable<Integer>>>> output(OperatorHarness h) {
    List<WindowedValue<KV<String, Iterable<Integer>>>> out = new ArrayList<>();
    for (Object o : h.values(0)) {
      out.add((WindowedValue<KV<String, Iterable<Integer>>>) o);
    }
    return out;
  }

  private static IntervalWindow window(WindowedValue<?> wv) {
    return (IntervalWindow) wv.getWindows().iterator().next();
  }

  private static Map<String, List<Integer>> byWindow(List<WindowedValue<KV<String, Iterable<Integer>>>> out) {
    Map<String, List<Integer>> m = new TreeMap<>();
    for (WindowedValue<KV<String, Iterable<Integer>>> wv : out) {
      IntervalWindow w = window(wv);
      String k = wv.getValue().getKey() + "@[" + w.start().getMillis() + "," + w.end().getMillis() + ")";
      List<Integer> values = m.computeIfAbsent(k, x -> new ArrayList<>());
      wv.getValue().getValue().forEach(values::add);
    }
    return m;
  }
}
