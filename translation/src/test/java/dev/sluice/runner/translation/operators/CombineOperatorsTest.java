package dev.sluice.runner.translation.operators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.Watermarks;
import dev.sluice.runner.translation.testing.OperatorHarness;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.CombineFnBase.GlobalCombineFn;
import org.apache.beam.sdk.transforms.CombineWithContext;
import org.apache.beam.sdk.transforms.Mean;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.Sessions;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class CombineOperatorsTest {

  private static final SerializablePipelineOptions OPTIONS = new SerializablePipelineOptions(PipelineOptionsFactory.create());

  /** One input element: key, value, timestamp. */
  private record In(String key, int value, long ts) {}

  @Test
  void shouldEqualADirectCombineInTheGlobalWindow() throws Exception {
    List<In> input = new ArrayList<>();
    Map<String, Integer> expected = new TreeMap<>();
    for (int i = 0; i < 500; i++) {
      String key = "k" + (i % 37);
      input.add(new In(key, i, i));
      expected.merge(key, i, Integer::sum);
    }
    // Two producer subtasks, each with a tiny table so partials flush many times.
    List<WindowedValue<KV<String, Integer>>> out = run(Sum.ofIntegers(), new GlobalWindows(), TimestampCombiner.END_OF_WINDOW,
        5, input.subList(0, 250), input.subList(250, 500));

    Map<String, Integer> actual = new TreeMap<>();
    for (WindowedValue<KV<String, Integer>> wv : out) {
      assertThat(actual.put(wv.getValue().getKey(), wv.getValue().getValue())).as("one output per key").isNull();
      assertThat(wv.getTimestamp()).isEqualTo(GlobalWindow.INSTANCE.maxTimestamp());
      assertThat(wv.getPane()).isEqualTo(PaneInfo.ON_TIME_AND_ONLY_FIRING);
    }
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void shouldCombineIntoEverySlidingWindowWithEarliestTimestamps() throws Exception {
    List<In> input = List.of(new In("a", 1, 7), new In("a", 2, 12), new In("a", 4, 3));
    List<WindowedValue<KV<String, Integer>>> out = run(Sum.ofIntegers(),
        SlidingWindows.of(Duration.millis(10)).every(Duration.millis(5)), TimestampCombiner.EARLIEST, 100, input, List.of());

    Map<Long, Integer> sumByWindowStart = new TreeMap<>();
    Map<Long, Instant> tsByWindowStart = new HashMap<>();
    for (WindowedValue<KV<String, Integer>> wv : out) {
      long start = ((IntervalWindow) wv.getWindows().iterator().next()).start().getMillis();
      sumByWindowStart.put(start, wv.getValue().getValue());
      tsByWindowStart.put(start, wv.getTimestamp());
    }
    // windows: [-5,5) {4}, [0,10) {1,4}, [5,15) {1,2}, [10,20) {2}
    assertThat(sumByWindowStart).containsExactly(
        Map.entry(-5L, 4), Map.entry(0L, 5), Map.entry(5L, 3), Map.entry(10L, 2));
    assertThat(tsByWindowStart.get(0L)).isEqualTo(new Instant(3));
    assertThat(tsByWindowStart.get(5L)).isEqualTo(new Instant(7));
  }

  @Test
  void shouldUseTheLatestTimestampAcrossPartials() throws Exception {
    List<WindowedValue<KV<String, Double>>> out = run(Mean.<Integer>of(), FixedWindows.of(Duration.millis(100)),
        TimestampCombiner.LATEST, 1, List.of(new In("a", 1, 10), new In("b", 5, 11)), List.of(new In("a", 2, 40)));

    Map<String, WindowedValue<KV<String, Double>>> byKey = new TreeMap<>();
    out.forEach(wv -> byKey.put(wv.getValue().getKey(), wv));
    assertThat(byKey.get("a").getValue().getValue()).isEqualTo(1.5);
    assertThat(byKey.get("a").getTimestamp()).isEqualTo(new Instant(40));
    assertThat(byKey.get("b").getTimestamp()).isEqualTo(new Instant(11));
  }

  @Test
  void shouldRunACombineFnWithContextWithoutSideInputs() throws Exception {
    CombineWithContext.CombineFnWithContext<Integer, int[], Integer> fn = new CombineWithContext.CombineFnWithContext<>() {
      @Override public int[] createAccumulator(CombineWithContext.Context c) {
        assertThat(c.getPipelineOptions()).isNotNull();
        return new int[1];
      }
      @Override public int[] addInput(int[] acc, Integer input, CombineWithContext.Context c) {
        acc[0] += input;
        return acc;
      }
      @Override public int[] mergeAccumulators(Iterable<int[]> accs, CombineWithContext.Context c) {
        int[] merged = new int[1];
        accs.forEach(a -> merged[0] += a[0]);
        return merged;
      }
      @Override public Integer extractOutput(int[] acc, CombineWithContext.Context c) {
        return acc[0];
      }
      @Override public Coder<int[]> getAccumulatorCoder(CoderRegistry registry, Coder<Integer> inputCoder) {
        return org.apache.beam.sdk.coders.SerializableCoder.of(int[].class);
      }
    };
    List<WindowedValue<KV<String, Integer>>> out = run(fn, new GlobalWindows(), TimestampCombiner.END_OF_WINDOW, 100,
        List.of(new In("a", 1, 0), new In("a", 2, 0)), List.of(new In("a", 3, 0)));
    assertThat(out).hasSize(1);
    assertThat(out.get(0).getValue().getValue()).isEqualTo(6);
  }

  @Test
  void shouldEmitNothingForEmptyInput() throws Exception {
    List<WindowedValue<KV<String, Integer>>> out = run(Sum.ofIntegers(), new GlobalWindows(), TimestampCombiner.END_OF_WINDOW,
        100, List.of(), List.of());
    assertThat(out).isEmpty();
  }

  @Test
  void shouldFlushPartialsBeforeForwardingAWatermark() throws Exception {
    PartialCombineOperator<String, Integer, Object> partial =
        new PartialCombineOperator<>(StringUtf8Coder.of(), Sum.ofIntegers(), TimestampCombiner.EARLIEST, OPTIONS, 100);
    try (OperatorHarness h = new OperatorHarness(partial)) {
      h.process(0, WindowedValue.valueInGlobalWindow(KV.of("a", 1)), Watermarks.MIN);
      h.watermark(0, 50);
      assertThat(h.emitted()).hasSize(1);
      assertThat(h.watermarks()).containsExactly(50L);
    }
  }

  @Test
  void shouldMergeSessionsBridgedAcrossPartialsAndFlushes() throws Exception {
    Sessions sessions = Sessions.withGapDuration(Duration.millis(11));
    for (int maxEntries : new int[] {1, 100}) {
      // a: 0 and 20 on one subtask, 10 on the other bridges them into [0, 31); 50 stays alone.
      // b: 5, 6, 7, 8 ... 40 one millisecond apart on one subtask: one session built by many merges.
      List<In> first = new ArrayList<>(List.of(new In("a", 1, 0), new In("a", 2, 20), new In("a", 8, 50)));
      List<In> second = new ArrayList<>(List.of(new In("a", 4, 10)));
      int bSum = 0;
      for (int t = 5; t <= 40; t++) {
        first.add(new In("b", t, t));
        bSum += t;
      }
      for (TimestampCombiner tc : List.of(TimestampCombiner.END_OF_WINDOW, TimestampCombiner.EARLIEST)) {
        List<WindowedValue<KV<String, Integer>>> out = run(Sum.ofIntegers(), sessions, tc, maxEntries, first, second);
        assertThat(out).extracting(wv -> wv.getValue().getKey() + "=" + wv.getValue().getValue() + " in "
                + wv.getWindows().iterator().next() + " at " + wv.getTimestamp().getMillis())
            .as("maxEntries %d, %s", maxEntries, tc)
            .containsExactlyInAnyOrder(
                "a=7 in " + new IntervalWindow(new Instant(0), new Instant(31)) + " at " + (tc == TimestampCombiner.EARLIEST ? 0 : 30),
                "a=8 in " + new IntervalWindow(new Instant(50), new Instant(61)) + " at " + (tc == TimestampCombiner.EARLIEST ? 50 : 60),
                "b=" + bSum + " in " + new IntervalWindow(new Instant(5), new Instant(51)) + " at " + (tc == TimestampCombiner.EARLIEST ? 5 : 50));
        assertThat(out).allSatisfy(wv -> assertThat(wv.getPane()).isEqualTo(PaneInfo.ON_TIME_AND_ONLY_FIRING));
      }
    }
  }

  @Test
  void shouldHoldStreamingPartialsForTheFlushInterval() throws Exception {
    try (OperatorHarness h = new OperatorHarness(streamingPartial(TimestampCombiner.END_OF_WINDOW))) {
      long start = h.processingTime();
      h.process(0, WindowedValue.valueInGlobalWindow(KV.of("a", 1)), Watermarks.MIN);
      h.process(0, WindowedValue.valueInGlobalWindow(KV.of("a", 2)), Watermarks.MIN);
      h.process(0, WindowedValue.valueInGlobalWindow(KV.of("b", 4)), Watermarks.MIN);
      h.advanceProcessingTime(start + FLUSH_MILLIS - 1);
      assertThat(h.emitted()).isEmpty();

      h.advanceProcessingTime(start + FLUSH_MILLIS);
      assertThat(sums(h)).containsExactlyInAnyOrder("a=3", "b=4");

      h.process(0, WindowedValue.valueInGlobalWindow(KV.of("a", 8)), Watermarks.MIN);
      assertThat(h.pendingProcessingTimers()).isEqualTo(1);
      h.finish();
      assertThat(sums(h)).containsExactlyInAnyOrder("a=3", "b=4", "a=8");
    }
  }

  @Test
  void shouldReleaseStreamingPartialsBeforeSyntheticTimeMovesAtAll() throws Exception {
    try (OperatorHarness h = new OperatorHarness(streamingPartial(TimestampCombiner.END_OF_WINDOW)).syntheticProcessingTime()) {
      long start = h.processingTime();
      h.process(0, WindowedValue.valueInGlobalWindow(KV.of("a", 1)), Watermarks.MIN);
      h.process(0, WindowedValue.valueInGlobalWindow(KV.of("a", 2)), Watermarks.MIN);
      assertThat(h.emitted()).isEmpty();
      h.advanceProcessingTime(start + 1);
      assertThat(sums(h)).containsExactly("a=3");
    }
  }

  @Test
  void shouldForwardWatermarksThatPassNothingHeldWithoutFlushing() throws Exception {
    FixedWindows windows = FixedWindows.of(Duration.millis(10));
    try (OperatorHarness h = new OperatorHarness(streamingPartial(TimestampCombiner.END_OF_WINDOW))) {
      BatchGroupByKeyOperatorTest.feed(h, windows, "a", 1, 2);
      BatchGroupByKeyOperatorTest.feed(h, windows, "a", 2, 7);
      h.watermark(0, 8); // window [0, 10) ends at 9: nothing held is behind 8
      assertThat(h.watermarks()).containsExactly(8L);
      assertThat(h.emitted()).isEmpty();
      h.watermark(0, 10);
      assertThat(sums(h)).containsExactly("a=3");
      assertThat(h.emitted().get(0).timestamp()).isEqualTo(9L);
      assertThat(h.watermarks()).containsExactly(8L, 10L);
    }
    try (OperatorHarness h = new OperatorHarness(streamingPartial(TimestampCombiner.EARLIEST))) {
      BatchGroupByKeyOperatorTest.feed(h, windows, "a", 1, 2);
      h.watermark(0, 3); // the partial's EARLIEST timestamp 2 would be behind it
      assertThat(sums(h)).containsExactly("a=1");
      assertThat(h.watermarks()).containsExactly(3L);
    }
  }

  @Test
  void shouldPassLateInputsOnOneByOne() throws Exception {
    FixedWindows windows = FixedWindows.of(Duration.millis(10));
    try (OperatorHarness h = new OperatorHarness(streamingPartial(TimestampCombiner.END_OF_WINDOW))) {
      h.watermark(0, 20);
      BatchGroupByKeyOperatorTest.feed(h, windows, "a", 1, 2);
      BatchGroupByKeyOperatorTest.feed(h, windows, "a", 2, 3);
      BatchGroupByKeyOperatorTest.feed(h, windows, "a", 4, 25); // on time: held
      assertThat(sums(h)).containsExactly("a=1", "a=2");
    }
  }

  @Test
  void shouldMergeStreamingSessionPartialsAndFlushThemBeforeAWatermarkPassesThem() throws Exception {
    Sessions sessions = Sessions.withGapDuration(Duration.millis(10));
    PartialCombineOperator<String, Integer, Object> partial = PartialCombineOperator.forWindows(
        StringUtf8Coder.of(), Sum.ofIntegers(), TimestampCombiner.END_OF_WINDOW, OPTIONS, 100, FLUSH_MILLIS, sessions);
    try (OperatorHarness h = new OperatorHarness(partial)) {
      BatchGroupByKeyOperatorTest.feed(h, sessions, "a", 1, 0);
      BatchGroupByKeyOperatorTest.feed(h, sessions, "a", 2, 5);
      h.watermark(0, 9); // the earliest held window, [0, 10), ends at 9: nothing is behind 9
      assertThat(h.emitted()).isEmpty();
      h.watermark(0, 10);
      assertThat(sums(h)).containsExactly("a=3");
      assertThat(h.emitted().get(0).timestamp()).isEqualTo(14L);
      assertThat(List.<Object>copyOf(((WindowedValue<?>) h.emitted().get(0).value()).getWindows()))
          .containsExactly(new IntervalWindow(new Instant(0), new Instant(15)));

      h.watermark(0, 20);
      BatchGroupByKeyOperatorTest.feed(h, sessions, "a", 4, 3); // late: passed on at once
      assertThat(sums(h)).containsExactly("a=3", "a=4");
      BatchGroupByKeyOperatorTest.feed(h, sessions, "a", 8, 30); // held until the flush interval
      assertThat(h.emitted()).hasSize(2);
      h.advanceProcessingTime(h.processingTime() + FLUSH_MILLIS);
      assertThat(sums(h)).containsExactly("a=3", "a=4", "a=8");
    }
  }

  private static final long FLUSH_MILLIS = 100;

  private static PartialCombineOperator<String, Integer, Object> streamingPartial(TimestampCombiner tc) {
    return new PartialCombineOperator<>(StringUtf8Coder.of(), Sum.ofIntegers(), tc, OPTIONS, 100, FLUSH_MILLIS);
  }

  /** The emitted partials of a Sum as key=sum (Sum's accumulator is an int[1]). */
  @SuppressWarnings("unchecked")
  private static List<String> sums(OperatorHarness h) {
    List<String> out = new ArrayList<>();
    for (Object o : h.values(0)) {
      KV<String, int[]> kv = ((WindowedValue<KV<String, int[]>>) o).getValue();
      out.add(kv.getKey() + "=" + kv.getValue()[0]);
    }
    return out;
  }

  // ---- helpers ----

  /**
   * Runs two partial-combine subtasks (one per input list) and one final combine, passing every
   * partial through the accumulator coder as the network would.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <OutputT> List<WindowedValue<KV<String, OutputT>>> run(
      GlobalCombineFn<Integer, ?, OutputT> fn, WindowFn<?, ?> windowFn, TimestampCombiner tc, int maxEntries,
      List<In> first, List<In> second) throws Exception {
    Coder accumCoder = fn.getAccumulatorCoder(CoderRegistry.createDefault(), VarIntCoder.of());
    Coder<WindowedValue<Object>> edgeCoder = (Coder) WindowedValue.getFullCoder(
        KvCoder.of(StringUtf8Coder.of(), accumCoder), windowFn.windowCoder());
    FinalCombineOperator<String, Object, OutputT> fin = FinalCombineOperator.forWindows(StringUtf8Coder.of(), fn, tc, OPTIONS, windowFn);
    try (OperatorHarness finalHarness = new OperatorHarness(fin)) {
      for (List<In> part : List.of(first, second)) {
        PartialCombineOperator<String, Integer, Object> partial =
            PartialCombineOperator.forWindows(StringUtf8Coder.of(), fn, tc, OPTIONS, maxEntries, 0, windowFn);
        try (OperatorHarness h = new OperatorHarness(partial)) {
          for (In in : part) {
            BatchGroupByKeyOperatorTest.feed(h, windowFn, in.key(), in.value(), in.ts());
          }
          h.endInputsAndFinish(0);
          for (OperatorHarness.Emitted e : h.emitted()) {
            Object copy = CoderUtils.clone(edgeCoder, (WindowedValue<Object>) e.value());
            finalHarness.process(0, copy, e.timestamp());
          }
          assertThat(h.watermarks()).containsExactly(Watermarks.MAX);
        }
      }
      finalHarness.endInputsAndFinish(0);
      assertThat(finalHarness.watermarks()).containsExactly(Watermarks.MAX);
      List<WindowedValue<KV<String, OutputT>>> out = new ArrayList<>();
      for (Object o : finalHarness.values(0)) {
        out.add((WindowedValue<KV<String, OutputT>>) o);
      }
      return out;
    }
  }
}
