package dev.sluice.runner.translation.translators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.runner.translation.testing.TestPipelines;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Stateful DoFns in batch: per-key state behind a HASH edge, timers fired at the end of input. */
class StatefulParDoPipelineTest {

  @ParameterizedTest
  @EnumSource(PrimitivePipelineTest.Backend.class)
  void shouldKeepStatePerKeyAndFlushItInAnEndOfWindowTimer(PrimitivePipelineTest.Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    List<KV<String, Integer>> input = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      input.add(KV.of("key-" + (i % 7), i));
    }
    PCollection<String> out = p.apply("Pairs", Create.of(input)).apply("Sum", ParDo.of(new SumAtEndFn()));
    String id = TestPipelines.collect(out, "Collect");

    backend.run(TestPipelines.translate(p, 2));

    List<String> expected = new ArrayList<>();
    for (int k = 0; k < 7; k++) {
      int sum = 0;
      int count = 0;
      for (int i = k; i < 100; i += 7) {
        sum += i;
        count++;
      }
      expected.add("key-" + k + " count=" + count + " sum=" + sum);
    }
    assertThat(TestPipelines.collected(id)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @ParameterizedTest
  @EnumSource(PrimitivePipelineTest.Backend.class)
  void shouldKeepPerKeyOrderThroughReshuffle(PrimitivePipelineTest.Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    List<String> keys = new ArrayList<>();
    for (int k = 0; k < 10; k++) {
      keys.add("k" + k);
    }
    PCollection<String> out = p.apply("Keys", Create.of(keys))
        .apply("Spread", org.apache.beam.sdk.transforms.Redistribute.arbitrarily())
        .apply("Count up", ParDo.of(new CountUpFn(500)))
        .apply("Reshuffle", org.apache.beam.sdk.transforms.Reshuffle.of())
        .apply("Verify", ParDo.of(new InOrderFn(500)));
    String id = TestPipelines.collect(out, "Collect");

    backend.run(TestPipelines.translate(p, 2));

    assertThat(TestPipelines.collected(id)).containsExactlyInAnyOrderElementsOf(
        keys.stream().<Object>map(k -> k + ":in order").toList());
  }

  @ParameterizedTest
  @EnumSource(PrimitivePipelineTest.Backend.class)
  void shouldFireProcessingTimeTimersAndTimersSetByTimers(PrimitivePipelineTest.Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    PCollection<String> out = p.apply("Pairs", Create.of(KV.of("a", "x"), KV.of("a", "y"), KV.of("b", "z")))
        .apply("Buffer", ParDo.of(new BufferFn()));
    String id = TestPipelines.collect(out, "Collect");

    backend.run(TestPipelines.translate(p, 2));

    assertThat(TestPipelines.collected(id)).containsExactlyInAnyOrder("a:[x, y]", "b:[z]", "a:again", "b:again");
  }

  @ParameterizedTest
  @EnumSource(PrimitivePipelineTest.Backend.class)
  void shouldProcessTimeSortedInputInTimestampOrderPerKey(PrimitivePipelineTest.Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    List<TimestampedValue<KV<String, Integer>>> input = new ArrayList<>();
    for (int i : List.of(5, 1, 4, 2, 3, 9, 7, 8, 6, 0)) {
      input.add(TimestampedValue.of(KV.of(i % 2 == 0 ? "even" : "odd", i), new Instant(i)));
    }
    PCollection<String> out = p.apply("Pairs", Create.timestamped(input)).apply("Sorted", ParDo.of(new ConcatSortedFn()));
    String id = TestPipelines.collect(out, "Collect");

    backend.run(TestPipelines.translate(p, 2));

    // Each element emits the sequence seen so far for its key: sorted order means prefixes.
    assertThat(TestPipelines.collected(id)).contains("even:0,2,4,6,8", "odd:1,3,5,7,9").hasSize(10);
  }

  @ParameterizedTest
  @EnumSource(PrimitivePipelineTest.Backend.class)
  void shouldCallOnWindowExpirationPerKeyAndWindow(PrimitivePipelineTest.Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    PCollection<String> out = p.apply("Pairs", Create.of(KV.of("a", 1), KV.of("a", 2), KV.of("b", 3)))
        .apply("Expire", ParDo.of(new SumOnExpiryFn()));
    String id = TestPipelines.collect(out, "Collect");

    backend.run(TestPipelines.translate(p, 2));

    assertThat(TestPipelines.collected(id)).containsExactlyInAnyOrder("a=3", "b=3");
  }

  @ParameterizedTest
  @EnumSource(PrimitivePipelineTest.Backend.class)
  void shouldCombineStateWithSideInputs(PrimitivePipelineTest.Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    PCollectionView<List<Integer>> weights = p.apply("Weights", Create.of(10, 100)).apply("AsList", View.asList());
    PCollection<String> out = p.apply("Pairs", Create.of(KV.of("a", 1), KV.of("a", 2), KV.of("b", 3)))
        .apply("Weighted", ParDo.of(new WeightedSumFn(weights)).withSideInputs(weights));
    String id = TestPipelines.collect(out, "Collect");

    backend.run(TestPipelines.translate(p, 2));

    assertThat(TestPipelines.collected(id)).containsExactlyInAnyOrder("a=330", "b=330");
  }

  @ParameterizedTest
  @EnumSource(PrimitivePipelineTest.Backend.class)
  void shouldExpireEachWindowOfEachKey(PrimitivePipelineTest.Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    PCollection<String> out = p.apply("Pairs", Create.timestamped(
            TimestampedValue.of(KV.of("a", 1), new Instant(1)), TimestampedValue.of(KV.of("a", 2), new Instant(2)),
            TimestampedValue.of(KV.of("a", 5), new Instant(15)), TimestampedValue.of(KV.of("b", 3), new Instant(3))))
        .apply("Windows", Window.into(FixedWindows.of(Duration.millis(10))))
        .apply("Expire", ParDo.of(new SumOnExpiryFn()));
    String id = TestPipelines.collect(out, "Collect");

    backend.run(TestPipelines.translateOrSkipWithoutGrouping(p, 2));

    assertThat(TestPipelines.collected(id)).containsExactlyInAnyOrder("a=3", "a=5", "b=3");
  }

  /** Sums values per key times the sum of the side input; emits on window expiry. */
  static final class WeightedSumFn extends DoFn<KV<String, Integer>, String> {
    private final PCollectionView<List<Integer>> weights;

    @StateId("sum")
    private final StateSpec<ValueState<Integer>> sumSpec = StateSpecs.value(VarIntCoder.of());

    @StateId("key")
    private final StateSpec<ValueState<String>> keySpec = StateSpecs.value(StringUtf8Coder.of());

    WeightedSumFn(PCollectionView<List<Integer>> weights) {
      this.weights = weights;
    }

    @ProcessElement
    public void process(ProcessContext c, @StateId("sum") ValueState<Integer> sum, @StateId("key") ValueState<String> key) {
      int weight = c.sideInput(weights).stream().mapToInt(Integer::intValue).sum();
      Integer s = sum.read();
      sum.write((s == null ? 0 : s) + c.element().getValue() * weight);
      key.write(c.element().getKey());
    }

    @OnWindowExpiration
    public void onExpiry(@StateId("sum") ValueState<Integer> sum, @StateId("key") ValueState<String> key, OutputReceiver<String> out) {
      out.output(key.read() + "=" + sum.read());
    }
  }

  /** Appends each value to a per-key string and emits it; needs timestamp order. */
  static final class ConcatSortedFn extends DoFn<KV<String, Integer>, String> {
    @StateId("seen")
    private final StateSpec<ValueState<String>> seenSpec = StateSpecs.value(StringUtf8Coder.of());

    @RequiresTimeSortedInput
    @ProcessElement
    public void process(@Element KV<String, Integer> e, @StateId("seen") ValueState<String> seen, OutputReceiver<String> out) {
      String before = seen.read();
      String now = before == null ? Integer.toString(e.getValue()) : before + "," + e.getValue();
      seen.write(now);
      out.output(e.getKey() + ":" + now);
    }
  }

  /** Sums per key; emits the sum when the window expires. */
  static final class SumOnExpiryFn extends DoFn<KV<String, Integer>, String> {
    @StateId("sum")
    private final StateSpec<ValueState<Integer>> sumSpec = StateSpecs.value(VarIntCoder.of());

    @StateId("key")
    private final StateSpec<ValueState<String>> keySpec = StateSpecs.value(StringUtf8Coder.of());

    @ProcessElement
    public void process(@Element KV<String, Integer> e, @StateId("sum") ValueState<Integer> sum, @StateId("key") ValueState<String> key) {
      Integer s = sum.read();
      sum.write((s == null ? 0 : s) + e.getValue());
      key.write(e.getKey());
    }

    @OnWindowExpiration
    public void onExpiry(@StateId("sum") ValueState<Integer> sum, @StateId("key") ValueState<String> key, OutputReceiver<String> out) {
      out.output(key.read() + "=" + sum.read());
    }
  }

  /** Sums values per key; an event-time timer at the end of the global window emits the sum. */
  static final class SumAtEndFn extends DoFn<KV<String, Integer>, String> {
    @StateId("sum")
    private final StateSpec<ValueState<Integer>> sumSpec = StateSpecs.value(VarIntCoder.of());

    @StateId("count")
    private final StateSpec<ValueState<Integer>> countSpec = StateSpecs.value(VarIntCoder.of());

    @StateId("key")
    private final StateSpec<ValueState<String>> keySpec = StateSpecs.value(StringUtf8Coder.of());

    @TimerId("end")
    private final TimerSpec endSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @ProcessElement
    public void process(@Element KV<String, Integer> e, BoundedWindow window, @StateId("sum") ValueState<Integer> sum,
        @StateId("count") ValueState<Integer> count, @StateId("key") ValueState<String> key, @TimerId("end") Timer end) {
      Integer s = sum.read();
      Integer c = count.read();
      sum.write((s == null ? 0 : s) + e.getValue());
      count.write((c == null ? 0 : c) + 1);
      key.write(e.getKey());
      end.set(window.maxTimestamp());
    }

    @OnTimer("end")
    public void onEnd(OnTimerContext c, @StateId("sum") ValueState<Integer> sum, @StateId("count") ValueState<Integer> count,
        @StateId("key") ValueState<String> key) {
      c.output(key.read() + " count=" + count.read() + " sum=" + sum.read());
    }
  }

  /** Buffers values per key; a processing-time timer emits them and sets an event-time timer. */
  static final class BufferFn extends DoFn<KV<String, String>, String> {
    @StateId("buffer")
    private final StateSpec<BagState<String>> bufferSpec = StateSpecs.bag(StringUtf8Coder.of());

    @StateId("key")
    private final StateSpec<ValueState<String>> keySpec = StateSpecs.value(StringUtf8Coder.of());

    @TimerId("flush")
    private final TimerSpec flushSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

    @TimerId("again")
    private final TimerSpec againSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @ProcessElement
    public void process(@Element KV<String, String> e, @StateId("buffer") BagState<String> buffer,
        @StateId("key") ValueState<String> key, @TimerId("flush") Timer flush) {
      buffer.add(e.getValue());
      key.write(e.getKey());
      flush.offset(Duration.standardMinutes(1)).setRelative();
    }

    @OnTimer("flush")
    public void onFlush(OnTimerContext c, @StateId("buffer") BagState<String> buffer, @StateId("key") ValueState<String> key,
        @TimerId("again") Timer again) {
      List<String> values = new ArrayList<>();
      buffer.read().forEach(values::add);
      values.sort(null);
      c.output(key.read() + ":" + values);
      buffer.clear();
      again.set(new Instant(0));
    }

    @OnTimer("again")
    public void onAgain(OnTimerContext c, @StateId("key") ValueState<String> key) {
      c.output(key.read() + ":again");
    }
  }

  /** key -> (key, 0), (key, 1), ..., (key, n - 1), in one process call. */
  static final class CountUpFn extends DoFn<String, KV<String, Integer>> {
    private final int n;

    CountUpFn(int n) {
      this.n = n;
    }

    @ProcessElement
    public void process(@Element String key, OutputReceiver<KV<String, Integer>> out) {
      for (int i = 0; i < n; i++) {
        out.output(KV.of(key, i));
      }
    }
  }

  /** Outputs "key:in order" once a key's values arrived as 0, 1, ..., n - 1; "key:out of order" at the first gap. */
  static final class InOrderFn extends DoFn<KV<String, Integer>, String> {
    private final int n;

    @StateId("next")
    private final StateSpec<ValueState<Integer>> nextSpec = StateSpecs.value(VarIntCoder.of());

    InOrderFn(int n) {
      this.n = n;
    }

    @ProcessElement
    public void process(@Element KV<String, Integer> kv, @StateId("next") ValueState<Integer> next, OutputReceiver<String> out) {
      Integer expected = next.read();
      if (expected == null) {
        expected = 0;
      }
      if (expected < 0) {
        return;
      }
      if (kv.getValue().intValue() != expected.intValue()) {
        next.write(-1);
        out.output(kv.getKey() + ":out of order");
        return;
      }
      next.write(expected + 1);
      if (expected + 1 == n) {
        out.output(kv.getKey() + ":in order");
      }
    }
  }
}
