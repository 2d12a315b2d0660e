package dev.sluice.runner.translation.operators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.Watermarks;
import dev.sluice.engine.serde.JavaSerialization;
import dev.sluice.runner.translation.operators.DoFnOperatorTest.IterableSumFn;
import dev.sluice.runner.translation.operators.DoFnOperatorTest.SingletonFn;
import dev.sluice.runner.translation.testing.OperatorHarness;
import dev.sluice.runner.translation.testing.TestPipelines;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.DoFnSchemaInformation;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Side inputs of a {@link DoFnOperator} in streaming ({@link StreamingSideInputs}): pushback,
 * readiness per window, replacement by newer panes, watermark hold; and the panes that
 * {@link SideInputMaterializeOperator} makes of a side input.
 */
class StreamingSideInputsTest {

  private static final TupleTag<String> MAIN = new TupleTag<>("main");
  private static final IntervalWindow FIRST = new IntervalWindow(new Instant(0), new Instant(10));
  private static final IntervalWindow SECOND = new IntervalWindow(new Instant(10), new Instant(20));

  @Test
  void shouldPushBackUntilAPaneOfItsWindowArrivesAndHoldTheWatermarkMeanwhile() throws Exception {
    PCollectionView<Iterable<Integer>> view = windowedIterable();
    try (OperatorHarness h = harness(new IterableSumFn(view), List.of(view), fixed())) {
      h.process(0, WindowedValue.of("a", new Instant(5), FIRST, PaneInfo.NO_FIRING), 5);
      h.watermark(0, 12);
      assertThat(values(h)).isEmpty();
      assertThat(h.watermarks()).as("held at the pushed-back element").containsExactly(5L);

      h.process(1, WindowedValue.of(List.of(1, 2), FIRST.maxTimestamp(), FIRST, PaneInfo.NO_FIRING), 9);

      assertThat(values(h)).containsExactly("a=3");
      assertThat(h.watermarks()).containsExactly(5L, 12L);
    }
  }

  @Test
  void shouldProcessAtOnceWhenTheSideInputIsReadyAndNeverBlockTheMainInput() throws Exception {
    PCollectionView<Iterable<Integer>> view = windowedIterable();
    try (OperatorHarness h = harness(new IterableSumFn(view), List.of(view), fixed())) {
      h.process(1, WindowedValue.of(List.of(4), FIRST.maxTimestamp(), FIRST, PaneInfo.NO_FIRING), 9);
      h.process(0, WindowedValue.of("a", new Instant(1), FIRST, PaneInfo.NO_FIRING), 1);
      h.process(0, WindowedValue.of("b", new Instant(11), SECOND, PaneInfo.NO_FIRING), 11);
      h.watermark(0, 30);

      assertThat(values(h)).containsExactly("a=4");
      assertThat(h.watermarks()).containsExactly(11L);
    }
  }

  /** ViewTest#testWindowedSideInputNotPresent: no pane by the end of the window reads as empty. */
  @Test
  void shouldUseTheEmptyViewOnceTheSideWatermarkPassedTheWindowWithoutAPane() throws Exception {
    PCollectionView<Iterable<Integer>> view = windowedIterable();
    try (OperatorHarness h = harness(new IterableSumFn(view), List.of(view), fixed())) {
      h.process(0, WindowedValue.of("b", new Instant(15), SECOND, PaneInfo.NO_FIRING), 15);
      h.watermark(1, SECOND.maxTimestamp().getMillis());
      assertThat(values(h)).as("the window is not over yet").isEmpty();

      h.watermark(1, SECOND.end().getMillis());

      assertThat(values(h)).containsExactly("b=0");
    }
  }

  /** ViewTest#testTriggeredLatestSingleton: each new pane replaces the view's contents. */
  @Test
  void shouldReplaceTheViewContentsWithEachNewPane() throws Exception {
    Pipeline p = TestPipelines.create();
    PCollectionView<Integer> view = p.apply(Create.of(1)).apply(View.asSingleton());
    try (OperatorHarness h = harness(new SingletonFn(view), List.of(view), WindowingStrategy.globalDefault())) {
      h.process(1, WindowedValue.of(List.of(7), new Instant(0), GlobalWindow.INSTANCE, pane(0, PaneInfo.Timing.EARLY)), 0);
      h.process(0, WindowedValue.valueInGlobalWindow("x"), Long.MIN_VALUE);
      h.process(1, WindowedValue.of(List.of(9), new Instant(0), GlobalWindow.INSTANCE, pane(1, PaneInfo.Timing.EARLY)), 0);
      h.process(0, WindowedValue.valueInGlobalWindow("y"), Long.MIN_VALUE);

      assertThat(values(h)).containsExactly("x=7", "y=9");
    }
  }

  @Test
  void shouldWaitForEverySideInputOfTheElement() throws Exception {
    PCollectionView<Iterable<Integer>> first = windowedIterable();
    PCollectionView<Iterable<Integer>> second = windowedIterable();
    try (OperatorHarness h = harness(new TwoSumsFn(first, second), List.of(first, second), fixed())) {
      h.process(0, WindowedValue.of("a", new Instant(5), FIRST, PaneInfo.NO_FIRING), 5);
      h.process(1, WindowedValue.of(List.of(1), SECOND.maxTimestamp(), SECOND, PaneInfo.NO_FIRING), 19);
      h.process(1, WindowedValue.of(List.of(2), FIRST.maxTimestamp(), FIRST, PaneInfo.NO_FIRING), 9);
      h.watermark(2, FIRST.maxTimestamp().getMillis());
      assertThat(values(h)).as("the second side input may still fire for FIRST").isEmpty();

      h.watermark(2, FIRST.end().getMillis());

      assertThat(values(h)).containsExactly("a=2+0");
    }
  }

  @Test
  void shouldProcessAnElementInItsReadyWindowsAndPushBackTheOthers() throws Exception {
    PCollectionView<Iterable<Integer>> view = windowedIterable();
    WindowingStrategy<?, ?> sliding = WindowingStrategy.of(SlidingWindows.of(Duration.millis(10)).every(Duration.millis(5)));
    IntervalWindow early = new IntervalWindow(new Instant(0), new Instant(10));
    IntervalWindow late = new IntervalWindow(new Instant(5), new Instant(15));
    try (OperatorHarness h = harness(new IterableSumFn(view), List.of(view), sliding)) {
      h.process(1, WindowedValue.of(List.of(2), FIRST.maxTimestamp(), FIRST, PaneInfo.NO_FIRING), 9);
      // side windows are FIRST/SECOND (fixed 10): early -> FIRST (ready), late (ends at 15) -> SECOND
      h.process(0, WindowedValue.of("s", new Instant(7), List.of(early, late), PaneInfo.NO_FIRING), 7);
      assertThat(values(h)).containsExactly("s=2");

      h.process(1, WindowedValue.of(List.of(5), SECOND.maxTimestamp(), SECOND, PaneInfo.NO_FIRING), 19);
      assertThat(values(h)).containsExactly("s=2", "s=5");
    }
  }

  @Test
  void shouldRunEveryPushedBackElementWhenTheInputsEnd() throws Exception {
    PCollectionView<Iterable<Integer>> view = windowedIterable();
    DoFnOperator op = new DoFnOperator(spec(new IterableSumFn(view), StringUtf8Coder.of(), List.of(view), fixed(), null), true);
    try (OperatorHarness h = new OperatorHarness(op)) {
      h.process(0, WindowedValue.of("a", new Instant(5), FIRST, PaneInfo.NO_FIRING), 5);
      h.process(0, WindowedValue.of("b", new Instant(15), SECOND, PaneInfo.NO_FIRING), 15);
      h.watermark(0, Watermarks.MAX);
      op.endInput(0);
      assertThat(values(h)).as("the side input is still running").isEmpty();
      assertThat(h.watermarks()).containsExactly(5L);

      h.process(1, WindowedValue.of(List.of(3), FIRST.maxTimestamp(), FIRST, PaneInfo.NO_FIRING), 9);
      assertThat(values(h)).containsExactly("a=3");
      assertThat(h.watermarks()).containsExactly(5L, 15L);

      h.endInputsAndFinish(1);
      assertThat(values(h)).containsExactly("a=3", "b=0");
      assertThat(h.watermarks()).containsExactly(5L, 15L, Watermarks.MAX);
    }
  }

  /** A stateful DoFn must not see its window expire before its pushed-back elements ran. */
  @Test
  void shouldHoldTimersOfAStatefulDoFnAtThePushedBackElements() throws Exception {
    PCollectionView<Iterable<Integer>> view = windowedIterable();
    try (OperatorHarness h = new OperatorHarness(new DoFnOperator(statefulSpec(new CountingFn(view), view), true))) {
      h.process(0, WindowedValue.of(KV.of("k", 1), new Instant(5), FIRST, PaneInfo.NO_FIRING), 5);
      h.watermark(0, 100); // far past FIRST's garbage collection time
      h.process(1, WindowedValue.of(List.of(10), FIRST.maxTimestamp(), FIRST, PaneInfo.NO_FIRING), 9);
      h.process(0, WindowedValue.of(KV.of("k", 2), new Instant(6), FIRST, PaneInfo.NO_FIRING), 6);

      assertThat(values(h)).as("the pushed-back element is not dropped as late").containsExactly("k#1+10");
      assertThat(h.watermarks()).containsExactly(5L, 100L);
    }
  }

  @Test
  void shouldMaterializeASideInputIntoOnePanePerWindowFiring() throws Exception {
    WindowingStrategy<?, IntervalWindow> windowing = WindowingStrategy.of(FixedWindows.of(Duration.millis(10)));
    var op = new SideInputMaterializeOperator<>("Side", VarIntCoder.of(), windowing,
        new SerializablePipelineOptions(PipelineOptionsFactory.create()));
    try (OperatorHarness h = new OperatorHarness(op)) {
      h.process(0, WindowedValue.of(1, new Instant(1), FIRST, PaneInfo.NO_FIRING), 1);
      h.process(0, WindowedValue.of(2, new Instant(2), FIRST, PaneInfo.NO_FIRING), 2);
      h.process(0, WindowedValue.of(3, new Instant(12), SECOND, PaneInfo.NO_FIRING), 12);
      h.watermark(0, 10);

      assertThat(h.values(0)).singleElement().satisfies(v -> {
        @SuppressWarnings("unchecked")
        WindowedValue<?> pane = (WindowedValue<?>) v;
        assertThat((Iterable<Object>) pane.getValue()).containsExactlyInAnyOrder(1, 2);
        assertThat(List.<Object>copyOf(pane.getWindows())).containsExactly(FIRST);
        assertThat(pane.getPane().getTiming()).isEqualTo(PaneInfo.Timing.ON_TIME);
      });
      assertThat(h.watermarks()).containsExactly(10L);
    }
  }

  @Test
  void shouldMaterializeEveryFiringOfATriggeredSideInput() throws Exception {
    WindowingStrategy<?, ?> windowing = WindowingStrategy.globalDefault()
        .withTrigger(Repeatedly.forever(AfterPane.elementCountAtLeast(1)))
        .withMode(WindowingStrategy.AccumulationMode.DISCARDING_FIRED_PANES);
    var op = new SideInputMaterializeOperator<>("Side", VarIntCoder.of(), windowing,
        new SerializablePipelineOptions(PipelineOptionsFactory.create()));
    try (OperatorHarness h = new OperatorHarness(op)) {
      h.process(0, WindowedValue.valueInGlobalWindow(7), Long.MIN_VALUE);
      h.process(0, WindowedValue.valueInGlobalWindow(9), Long.MIN_VALUE);

      List<Object> panes = new ArrayList<>();
      for (Object v : h.values(0)) {
        panes.add(((WindowedValue<?>) v).getValue());
      }
      assertThat(panes).containsExactly(List.of(7), List.of(9));
    }
  }

  // ---------------------------------------------------------------- helpers

  private static PaneInfo pane(long index, PaneInfo.Timing timing) {
    return PaneInfo.createPane(index == 0, false, timing, index, -1);
  }

  private static WindowingStrategy<?, ?> fixed() {
    return WindowingStrategy.of(FixedWindows.of(Duration.millis(10)));
  }

  /** An iterable view in fixed 10 ms windows. */
  private static PCollectionView<Iterable<Integer>> windowedIterable() {
    Pipeline p = TestPipelines.create();
    return p.apply(Create.timestamped(List.of(1), List.of(0L)))
        .apply("Window", Window.into(FixedWindows.of(Duration.millis(10))))
        .apply(View.asIterable());
  }

  private static OperatorHarness harness(DoFn<String, String> fn, List<PCollectionView<?>> views, WindowingStrategy<?, ?> windowing)
      throws Exception {
    return new OperatorHarness(new DoFnOperator(spec(fn, StringUtf8Coder.of(), views, windowing, null), true));
  }

  private static DoFnOperator.Spec statefulSpec(DoFn<KV<String, Integer>, String> fn, PCollectionView<?> view) {
    return spec(fn, KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of()), List.of(view), fixed(), StringUtf8Coder.of());
  }

  private static DoFnOperator.Spec spec(
      DoFn<?, ?> fn, Coder<?> inputCoder, List<PCollectionView<?>> views, WindowingStrategy<?, ?> windowing, Coder<?> keyCoder) {
    Map<String, PCollectionView<?>> mapping = new LinkedHashMap<>();
    for (PCollectionView<?> v : views) {
      mapping.put(v.getTagInternal().getId(), v);
    }
    Map<TupleTag<?>, Coder<?>> coders = new HashMap<>();
    coders.put(MAIN, StringUtf8Coder.of());
    return new DoFnOperator.Spec(
        "Step",
        JavaSerialization.serialize(fn),
        new SerializablePipelineOptions(PipelineOptionsFactory.create()),
        inputCoder,
        MAIN,
        List.of(),
        coders,
        new HashMap<>(Map.of(MAIN, 0)),
        windowing,
        DoFnSchemaInformation.create(),
        mapping,
        new ArrayList<>(views),
        1000,
        keyCoder,
        DoFnOperator.DEFAULT_MAX_BUNDLE_TIME_MILLIS,
        List.of());
  }

  private static List<Object> values(OperatorHarness h) {
    List<Object> out = new ArrayList<>();
    for (Object v : h.values(0)) {
      out.add(((WindowedValue<?>) v).getValue());
    }
    return out;
  }

  static final class TwoSumsFn extends DoFn<String, String> {
    private final PCollectionView<Iterable<Integer>> first;
    private final PCollectionView<Iterable<Integer>> second;

    TwoSumsFn(PCollectionView<Iterable<Integer>> first, PCollectionView<Iterable<Integer>> second) {
      this.first = first;
      this.second = second;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      int a = 0;
      for (int v : c.sideInput(first)) {
        a += v;
      }
      int b = 0;
      for (int v : c.sideInput(second)) {
        b += v;
      }
      c.output(c.element() + "=" + a + "+" + b);
    }
  }

  /** Counts elements per key and window; outputs "key#count+sideSum". */
  static final class CountingFn extends DoFn<KV<String, Integer>, String> {
    private final PCollectionView<Iterable<Integer>> view;

    @StateId("count")
    private final StateSpec<ValueState<Integer>> countSpec = StateSpecs.value(VarIntCoder.of());

    CountingFn(PCollectionView<Iterable<Integer>> view) {
      this.view = view;
    }

    @ProcessElement
    public void process(ProcessContext c, @StateId("count") ValueState<Integer> count) {
      int n = count.read() == null ? 1 : count.read() + 1;
      count.write(n);
      int sum = 0;
      for (int v : c.sideInput(view)) {
        sum += v;
      }
      c.output(c.element().getKey() + "#" + n + "+" + sum);
    }
  }
}
