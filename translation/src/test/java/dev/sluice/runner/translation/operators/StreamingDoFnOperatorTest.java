package dev.sluice.runner.translation.operators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.Watermarks;
import dev.sluice.engine.serde.JavaSerialization;
import dev.sluice.runner.translation.testing.OperatorHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.DoFnSchemaInformation;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** DoFnOperator in streaming mode: a stateful DoFn on the engine's keyed state and timers. */
class StreamingDoFnOperatorTest {

  private static final TupleTag<String> MAIN = new TupleTag<>("main");

  @Test
  void shouldFireEventTimersAsTheWatermarkPassesAndHoldTheOutputWatermark() throws Exception {
    try (OperatorHarness h = harness(new SumFn())) {
      feed(h, "a", 1, 5);
      feed(h, "a", 2, 6);
      feed(h, "b", 10, 7);
      h.watermark(0, 12);
      assertThat(values(h)).isEmpty();
      // the timers (at 15, 16 and 17: each element resets its key's timer) output at the
      // element's timestamp, so they hold the output watermark
      assertThat(h.watermarks()).containsExactly(6L);
      h.watermark(0, 16);
      assertThat(values(h)).isEmpty(); // a Beam timer fires once the watermark is after it
      h.watermark(0, 17);
      assertThat(values(h)).containsExactly("a=3@6");
      assertThat(h.watermarks()).containsExactly(6L, 7L);
      h.endInputsAndFinish(0);
      assertThat(values(h)).containsExactly("a=3@6", "b=10@7");
      assertThat(h.watermarks()).containsExactly(6L, 7L, Watermarks.MAX);
    }
  }

  @Test
  void shouldFireProcessingTimeTimersFromTheProcessingTimeService() throws Exception {
    try (OperatorHarness h = harness(new FlushFn())) {
      long start = h.processingTime();
      feed(h, "a", 1, 0);
      feed(h, "a", 2, 1);
      feed(h, "b", 5, 2);
      assertThat(h.pendingProcessingTimers()).isPositive();
      h.advanceProcessingTime(start + 100);
      assertThat(values(h)).isEmpty();
      h.advanceProcessingTime(start + 101);
      assertThat(values(h)).containsExactlyInAnyOrder("a=3", "b=5");
      feed(h, "a", 4, 3);
      h.endInputsAndFinish(0); // pending processing-time timers fire at the end of input
      assertThat(values(h)).containsExactlyInAnyOrder("a=3", "b=5", "a=4");
    }
  }

  @Test
  void shouldFinishABundleOnceItsMaxBundleTimePassed() throws Exception {
    DoFnOperator.Spec spec = new DoFnOperator.Spec(
        "Step",
        JavaSerialization.serialize(new DoFnOperatorTest.BundleFn()),
        new SerializablePipelineOptions(PipelineOptionsFactory.create()),
        StringUtf8Coder.of(),
        DoFnOperatorTest.MAIN,
        List.of(),
        Map.of(DoFnOperatorTest.MAIN, StringUtf8Coder.of()),
        Map.of(DoFnOperatorTest.MAIN, 0),
        WindowingStrategy.globalDefault(),
        DoFnSchemaInformation.create(),
        Map.of(),
        List.of(),
        1000,
        null,
        50,
        List.of("Step.out"));
    try (OperatorHarness h = new OperatorHarness(new DoFnOperator(spec, true))) {
      long start = h.processingTime();
      h.process(0, WindowedValue.valueInGlobalWindow("a"), 0);
      h.process(0, WindowedValue.valueInGlobalWindow("b"), 0);
      h.advanceProcessingTime(start + 49);
      assertThat(DoFnOperatorTest.unwrapped(h, 0)).containsExactly("a", "b");
      h.advanceProcessingTime(start + 50);
      assertThat(DoFnOperatorTest.unwrapped(h, 0)).containsExactly("a", "b", "bundle of 2");
      assertThat(h.watermarks()).isEmpty(); // the watermark did not move: the time limit closed the bundle

      // the next bundle gets its own deadline, counted from its first element
      h.advanceProcessingTime(start + 120);
      h.process(0, WindowedValue.valueInGlobalWindow("c"), 0);
      h.advanceProcessingTime(start + 169);
      assertThat(DoFnOperatorTest.unwrapped(h, 0)).containsExactly("a", "b", "bundle of 2", "c");
      h.advanceProcessingTime(start + 170);
      assertThat(DoFnOperatorTest.unwrapped(h, 0)).containsExactly("a", "b", "bundle of 2", "c", "bundle of 1");

      // a bundle that finished on a watermark leaves no timer behind
      h.process(0, WindowedValue.valueInGlobalWindow("d"), 0);
      h.watermark(0, 5);
      assertThat(h.pendingProcessingTimers()).isZero();
      h.endInputsAndFinish(0);
      assertThat(DoFnOperatorTest.unwrapped(h, 0))
          .containsExactly("a", "b", "bundle of 2", "c", "bundle of 1", "d", "bundle of 1");
    }
  }

  private static void feed(OperatorHarness h, String key, int value, long ts) throws Exception {
    h.process(0, WindowedValue.of(KV.of(key, value), new Instant(ts), GlobalWindow.INSTANCE, PaneInfo.NO_FIRING), ts);
  }

  /** Emitted values, as "value@timestamp" for SumFn's output. */
  private static List<String> values(OperatorHarness h) {
    List<String> out = new ArrayList<>();
    for (Object v : h.values(0)) {
      out.add((String) ((WindowedValue<?>) v).getValue());
    }
    return out;
  }

  private static OperatorHarness harness(DoFn<KV<String, Integer>, String> fn) throws Exception {
    DoFnOperator.Spec spec = new DoFnOperator.Spec(
        "Step",
        JavaSerialization.serialize(fn),
        new SerializablePipelineOptions(PipelineOptionsFactory.create()),
        KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of()),
        MAIN,
        List.of(),
        Map.of(MAIN, StringUtf8Coder.of()),
        Map.of(MAIN, 0),
        WindowingStrategy.globalDefault(),
        DoFnSchemaInformation.create(),
        Map.of(),
        List.of(),
        1000,
        StringUtf8Coder.of(),
        DoFnOperator.DEFAULT_MAX_BUNDLE_TIME_MILLIS,
        List.of());
    return new OperatorHarness(new DoFnOperator(spec, true));
  }

  /** Sums per key; an event-time timer 10 ms after the last element emits the sum at that element's timestamp. */
  static final class SumFn extends DoFn<KV<String, Integer>, String> {
    @StateId("sum")
    private final StateSpec<ValueState<Integer>> sumSpec = StateSpecs.value(VarIntCoder.of());

    @StateId("key")
    private final StateSpec<ValueState<String>> keySpec = StateSpecs.value(StringUtf8Coder.of());

    @TimerId("emit")
    private final TimerSpec emitSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @ProcessElement
    public void process(@Element KV<String, Integer> e, @Timestamp Instant ts, @StateId("sum") ValueState<Integer> sum,
        @StateId("key") ValueState<String> key, @TimerId("emit") Timer emit) {
      Integer s = sum.read();
      sum.write((s == null ? 0 : s) + e.getValue());
      key.write(e.getKey());
      emit.withOutputTimestamp(ts).set(ts.plus(Duration.millis(10)));
    }

    @OnTimer("emit")
    public void onEmit(OnTimerContext c, @StateId("sum") ValueState<Integer> sum, @StateId("key") ValueState<String> key) {
      c.output(key.read() + "=" + sum.read() + "@" + c.timestamp().getMillis());
      sum.clear();
    }
  }

  /** Sums per key; a processing-time timer 100 ms after the first element of a batch emits and clears the sum. */
  static final class FlushFn extends DoFn<KV<String, Integer>, String> {
    @StateId("sum")
    private final StateSpec<ValueState<Integer>> sumSpec = StateSpecs.value(VarIntCoder.of());

    @StateId("key")
    private final StateSpec<ValueState<String>> keySpec = StateSpecs.value(StringUtf8Coder.of());

    @TimerId("flush")
    private final TimerSpec flushSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

    @ProcessElement
    public void process(@Element KV<String, Integer> e, @StateId("sum") ValueState<Integer> sum,
        @StateId("key") ValueState<String> key, @TimerId("flush") Timer flush) {
      Integer s = sum.read();
      if (s == null) {
        flush.offset(Duration.millis(100)).setRelative();
      }
      sum.write((s == null ? 0 : s) + e.getValue());
      key.write(e.getKey());
    }

    @OnTimer("flush")
    public void onFlush(OnTimerContext c, @StateId("sum") ValueState<Integer> sum, @StateId("key") ValueState<String> key) {
      c.output(key.read() + "=" + sum.read());
      sum.clear();
    }
  }
}
