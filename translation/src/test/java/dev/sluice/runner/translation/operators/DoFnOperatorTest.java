package dev.sluice.runner.translation.operators;

import dev.sluice.engine.serde.JavaSerialization;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.runner.translation.metrics.MetricsAccumulator;
import dev.sluice.runner.translation.testing.OperatorHarness;
import dev.sluice.runner.translation.testing.TestPipelines;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.runners.core.metrics.MonitoringInfoConstants;
import org.apache.beam.runners.core.metrics.MonitoringInfoMetricName;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.DoFnSchemaInformation;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link DoFnOperator} driven directly through {@link OperatorHarness}. */
class DoFnOperatorTest {

  static final TupleTag<String> MAIN = new TupleTag<>("main");
  private static final TupleTag<String> OTHER = new TupleTag<>("other");

  @Test
  void shouldFinishBundlesEveryNElementsAndAtFinish() throws Exception {
    try (OperatorHarness h = harness(new BundleFn(), 2, List.of(), WindowingStrategy.globalDefault())) {
      for (String s : List.of("a", "b", "c", "d", "e")) {
        h.process(0, WindowedValue.valueInGlobalWindow(s), Long.MIN_VALUE);
      }
      h.endInputsAndFinish(0);

      assertThat(unwrapped(h, 0))
          .containsExactly("a", "b", "bundle of 2", "c", "d", "bundle of 2", "e", "bundle of 1");
    }
  }

  @Test
  void shouldRunBundleFinalizationCallbacksAfterTheirBundleFinishedAndSkipExpiredOnes() throws Exception {
    FinalizingFn.LOG.clear();
    try (OperatorHarness h = harness(new FinalizingFn(), 2, List.of(), WindowingStrategy.globalDefault())) {
      h.process(0, WindowedValue.valueInGlobalWindow("a"), Long.MIN_VALUE);
      assertThat(FinalizingFn.LOG).isEmpty();
      h.process(0, WindowedValue.valueInGlobalWindow("b"), Long.MIN_VALUE);
      h.process(0, WindowedValue.valueInGlobalWindow("c"), Long.MIN_VALUE);
      h.endInputsAndFinish(0);

      assertThat(FinalizingFn.LOG).containsExactly(
          "finishBundle", "finalized a", "finalized b", "finishBundle", "finalized c");
    }
  }

  @Test
  void shouldForwardWatermarkOnlyAfterFinishingTheOpenBundle() throws Exception {
    try (OperatorHarness h = harness(new BundleFn(), 1000, List.of(), WindowingStrategy.globalDefault())) {
      h.process(0, WindowedValue.valueInGlobalWindow("a"), Long.MIN_VALUE);
      assertThat(h.values(0)).hasSize(1);

      h.watermark(0, 100);

      assertThat(unwrapped(h, 0)).containsExactly("a", "bundle of 1");
      assertThat(h.watermarks()).containsExactly(100L);
    }
  }

  @Test
  void shouldSendEachOutputToItsPortAndDropUnmappedOnes() throws Exception {
    Map<TupleTag<?>, Integer> ports = new HashMap<>();
    ports.put(MAIN, 0);
    ports.put(OTHER, 1); // "dropped" has no port: nobody consumes it
    try (OperatorHarness h = new OperatorHarness(new DoFnOperator(spec(new FanOutFn(), 10, List.of(), WindowingStrategy.globalDefault(), ports)))) {
      h.process(0, WindowedValue.valueInGlobalWindow("x"), Long.MIN_VALUE);
      h.endInputsAndFinish(0);

      assertThat(unwrapped(h, 0)).containsExactly("main x");
      assertThat(unwrapped(h, 1)).containsExactly("other x");
      assertThat(h.emitted()).hasSize(2);
    }
  }

  @Test
  void shouldPushBackMainElementsUntilEverySideInputEnded() throws Exception {
    Pipeline p = TestPipelines.create();
    PCollectionView<Integer> singleton = p.apply(Create.of(1)).apply(View.asSingleton());
    DoFnOperator op = new DoFnOperator(spec(new SingletonFn(singleton), 10, List.of(singleton), WindowingStrategy.globalDefault(), Map.of(MAIN, 0)));
    try (OperatorHarness h = new OperatorHarness(op)) {
      // All inputs stay readable: selecting only side inputs can deadlock (SideInputDiamondTest).
      assertThat(op.selectedInputs()).isNull();

      h.process(0, WindowedValue.valueInGlobalWindow("early"), Long.MIN_VALUE);
      h.watermark(0, 50);
      h.process(1, WindowedValue.valueInGlobalWindow(7), Long.MIN_VALUE);
      h.watermark(1, Long.MAX_VALUE);
      assertThat(h.emitted()).isEmpty();
      assertThat(h.watermarks()).as("held while the side input runs").isEmpty();

      op.endInput(1);
      assertThat(unwrapped(h, 0)).containsExactly("early=7");
      assertThat(h.watermarks()).containsExactly(50L);

      h.process(0, WindowedValue.valueInGlobalWindow("late"), Long.MIN_VALUE);
      h.endInputsAndFinish(0);

      assertThat(unwrapped(h, 0)).containsExactly("early=7", "late=7");
    }
  }

  @Test
  void shouldServeSideInputsPerWindow() throws Exception {
    Pipeline p = TestPipelines.create();
    var windowing = Window.<Integer>into(FixedWindows.of(Duration.millis(10)));
    // asIterable: its view PCollection holds the raw elements (windowed asList indexes them first).
    PCollectionView<Iterable<Integer>> view = p.apply(Create.timestamped(List.of(1), List.of(0L)))
        .apply("Window", windowing).apply(View.asIterable());
    WindowingStrategy<?, ?> mainWindowing = view.getPCollection().getWindowingStrategy();
    IntervalWindow first = new IntervalWindow(new Instant(0), new Instant(10));
    IntervalWindow second = new IntervalWindow(new Instant(10), new Instant(20));

    try (OperatorHarness h = harness(new IterableSumFn(view), 10, List.of(view), mainWindowing)) {
      h.process(1, WindowedValue.of(1, new Instant(1), first, PaneInfo.NO_FIRING), 1);
      h.process(1, WindowedValue.of(2, new Instant(2), first, PaneInfo.NO_FIRING), 2);
      h.process(1, WindowedValue.of(30, new Instant(12), second, PaneInfo.NO_FIRING), 12);
      h.endInputsAndFinish(1);
      h.process(0, WindowedValue.of("a", new Instant(5), first, PaneInfo.NO_FIRING), 5);
      h.process(0, WindowedValue.of("b", new Instant(15), second, PaneInfo.NO_FIRING), 15);
      h.process(0, WindowedValue.of("c", new Instant(25), new IntervalWindow(new Instant(20), new Instant(30)), PaneInfo.NO_FIRING), 25);
      h.endInputsAndFinish(0);

      assertThat(unwrapped(h, 0)).containsExactly("a=3", "b=30", "c=0");
    }
  }

  @Test
  void shouldServeMapAndMultimapSideInputs() throws Exception {
    Pipeline p = TestPipelines.create();
    PCollectionView<Map<String, Integer>> map = p.apply("M", Create.of(KV.of("a", 1))).apply("AsMap", View.asMap());
    PCollectionView<Map<String, Iterable<Integer>>> multimap = p.apply("MM", Create.of(KV.of("a", 1))).apply("AsMultimap", View.asMultimap());

    try (OperatorHarness h = harness(new MapFn(map, multimap), 10, List.of(map, multimap), WindowingStrategy.globalDefault())) {
      h.process(1, WindowedValue.valueInGlobalWindow(KV.of("a", 1)), Long.MIN_VALUE);
      h.process(1, WindowedValue.valueInGlobalWindow(KV.of("b", 2)), Long.MIN_VALUE);
      h.process(2, WindowedValue.valueInGlobalWindow(KV.of("a", 1)), Long.MIN_VALUE);
      h.process(2, WindowedValue.valueInGlobalWindow(KV.of("a", 5)), Long.MIN_VALUE);
      h.endInputsAndFinish(1, 2);
      h.process(0, WindowedValue.valueInGlobalWindow("a"), Long.MIN_VALUE);
      h.process(0, WindowedValue.valueInGlobalWindow("b"), Long.MIN_VALUE);
      h.endInputsAndFinish(0);

      assertThat(unwrapped(h, 0)).containsExactly("a map=1 multi=[1, 5]", "b map=2 multi=[]");
    }
  }

  @Test
  void shouldBuildEachSideInputViewOncePerWindow() throws Exception {
    Pipeline p = TestPipelines.create();
    PCollectionView<Map<String, Integer>> map = p.apply("M", Create.of(KV.of("a", 1))).apply("AsMap", View.asMap());
    try (OperatorHarness h = harness(new ViewIdentityFn(map), 10, List.of(map), WindowingStrategy.globalDefault())) {
      h.process(1, WindowedValue.valueInGlobalWindow(KV.of("a", 1)), Long.MIN_VALUE);
      h.endInputsAndFinish(1);
      for (int i = 0; i < 3; i++) {
        h.process(0, WindowedValue.valueInGlobalWindow("x"), Long.MIN_VALUE);
      }
      h.endInputsAndFinish(0);

      assertThat(unwrapped(h, 0)).hasSize(3).containsOnly(unwrapped(h, 0).get(0));
    }
  }

  @Test
  void shouldProcessAnElementOnceForEachOfItsWindowsWhenTheFnObservesWindows() throws Exception {
    IntervalWindow w1 = new IntervalWindow(new Instant(0), new Instant(10));
    IntervalWindow w2 = new IntervalWindow(new Instant(5), new Instant(15));
    try (OperatorHarness h = harness(new WindowNameFn(), 10, List.of(), WindowingStrategy.of(FixedWindows.of(Duration.millis(10))))) {
      h.process(0, WindowedValue.of("x", new Instant(7), List.of(w1, w2), PaneInfo.NO_FIRING), 7);
      h.endInputsAndFinish(0);

      assertThat(h.values(0)).hasSize(2).allSatisfy(v -> assertThat(((WindowedValue<?>) v).getWindows()).hasSize(1));
    }
  }

  @Test
  void shouldRecordMetricsInTheAccumulatorUnderTheStepName() throws Exception {
    try (OperatorHarness h = harness(new BundleFn(), 10, List.of(), WindowingStrategy.globalDefault())) {
      h.process(0, WindowedValue.valueInGlobalWindow("a"), Long.MIN_VALUE);
      h.process(0, WindowedValue.valueInGlobalWindow("b"), Long.MIN_VALUE);
      h.endInputsAndFinish(0);

      MetricsAccumulator metrics = (MetricsAccumulator) h.accumulators().get(MetricsAccumulator.NAME);
      assertThat(metrics.stepMap().getContainer("Step").getCounter(MetricName.named(BundleFn.class, "elements")).getCumulative())
          .isEqualTo(2L);
    }
  }

  @Test
  void shouldCountTheElementsOfEachOutputAsASystemMetricPerBundle() throws Exception {
    try (OperatorHarness h = harness(new BundleFn(), 2, List.of(), WindowingStrategy.globalDefault())) {
      MetricsAccumulator metrics = (MetricsAccumulator) h.accumulators().get(MetricsAccumulator.NAME);
      MetricName elementCount = MonitoringInfoMetricName.named(MonitoringInfoConstants.Urns.ELEMENT_COUNT,
          Map.of(MonitoringInfoConstants.Labels.PCOLLECTION, "Step.out0", MonitoringInfoConstants.Labels.PTRANSFORM, "Step"));
      h.process(0, WindowedValue.valueInGlobalWindow("a"), Long.MIN_VALUE);
      assertThat(metrics.stepMap().getContainer("Step").getCounter(elementCount).getCumulative())
          .as("counted when the bundle finishes")
          .isZero();
      h.process(0, WindowedValue.valueInGlobalWindow("b"), Long.MIN_VALUE);
      h.process(0, WindowedValue.valueInGlobalWindow("c"), Long.MIN_VALUE);
      h.endInputsAndFinish(0);

      // a, b, "bundle of 2", c, "bundle of 1"
      assertThat(metrics.stepMap().getContainer("Step").getCounter(elementCount).getCumulative()).isEqualTo(5L);
      assertThat(elementCount.getName()).contains("metric:"); // what Beam's MetricsPusherTest takes for a system metric
    }
  }

  @Test
  void shouldSetUpBeforeFirstElementAndTearDownOnClose() throws Exception {
    LifecycleFn.SETUP.set(0);
    LifecycleFn.TEARDOWN.set(0);
    OperatorHarness h = harness(new LifecycleFn(), 10, List.of(), WindowingStrategy.globalDefault());
    assertThat(LifecycleFn.SETUP.get()).isZero();
    h.process(0, WindowedValue.valueInGlobalWindow("a"), 0);
    assertThat(LifecycleFn.SETUP.get()).isEqualTo(1);
    h.endInputsAndFinish(0);
    assertThat(LifecycleFn.TEARDOWN.get()).isZero();

    h.close();

    assertThat(LifecycleFn.SETUP.get()).isEqualTo(1);
    assertThat(LifecycleFn.TEARDOWN.get()).isEqualTo(1);
  }

  @Test
  void shouldNeverSetUpASubtaskThatGetsNoElements() throws Exception {
    LifecycleFn.SETUP.set(0);
    LifecycleFn.TEARDOWN.set(0);
    OperatorHarness h = harness(new LifecycleFn(), 10, List.of(), WindowingStrategy.globalDefault());
    h.endInputsAndFinish(0);
    h.close();

    assertThat(LifecycleFn.SETUP.get()).isZero();
    assertThat(LifecycleFn.TEARDOWN.get()).isZero();
  }

  // ---------------------------------------------------------------- helpers

  private static OperatorHarness harness(DoFn<?, ?> fn, int bundleSize, List<PCollectionView<?>> views, WindowingStrategy<?, ?> windowing)
      throws Exception {
    return new OperatorHarness(new DoFnOperator(spec(fn, bundleSize, views, windowing, Map.of(MAIN, 0))));
  }

  private static DoFnOperator.Spec spec(
      DoFn<?, ?> fn, int bundleSize, List<PCollectionView<?>> views, WindowingStrategy<?, ?> windowing, Map<TupleTag<?>, Integer> ports) {
    Map<TupleTag<?>, Coder<?>> coders = new HashMap<>();
    coders.put(MAIN, StringUtf8Coder.of());
    coders.put(OTHER, StringUtf8Coder.of());
    Map<String, PCollectionView<?>> mapping = new LinkedHashMap<>();
    for (PCollectionView<?> v : views) {
      mapping.put(v.getTagInternal().getId(), v);
    }
    return new DoFnOperator.Spec(
        "Step",
        JavaSerialization.serialize(fn),
        new SerializablePipelineOptions(PipelineOptionsFactory.create()),
        StringUtf8Coder.of(),
        MAIN,
        List.of(OTHER),
        coders,
        new HashMap<>(ports),
        windowing,
        DoFnSchemaInformation.create(),
        mapping,
        new ArrayList<>(views),
        bundleSize,
        null,
        DoFnOperator.DEFAULT_MAX_BUNDLE_TIME_MILLIS,
        List.of());
  }

  static List<Object> unwrapped(OperatorHarness h, int port) {
    List<Object> out = new ArrayList<>();
    for (Object v : h.values(port)) {
      out.add(((WindowedValue<?>) v).getValue());
    }
    return out;
  }

  /** Registers a live and an expired finalization callback per element; logs finishBundle and callbacks. */
  static final class FinalizingFn extends DoFn<String, String> {
    static final List<String> LOG = java.util.Collections.synchronizedList(new ArrayList<>());

    @ProcessElement
    public void process(@Element String x, BundleFinalizer finalizer) {
      finalizer.afterBundleCommit(org.joda.time.Instant.now().plus(org.joda.time.Duration.standardMinutes(5)), () -> LOG.add("finalized " + x));
      finalizer.afterBundleCommit(org.joda.time.Instant.now().minus(org.joda.time.Duration.standardMinutes(5)), () -> LOG.add("expired " + x));
    }

    @FinishBundle
    public void finishBundle() {
      LOG.add("finishBundle");
    }
  }

  static final class BundleFn extends DoFn<String, String> {
    private transient int inBundle;

    @StartBundle
    public void start() {
      inBundle = 0;
    }

    @ProcessElement
    public void process(@Element String s, OutputReceiver<String> out) {
      Metrics.counter(BundleFn.class, "elements").inc();
      inBundle++;
      out.output(s);
    }

    @FinishBundle
    public void finish(FinishBundleContext c) {
      c.output("bundle of " + inBundle, GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
    }
  }

  static final class FanOutFn extends DoFn<String, String> {
    @ProcessElement
    public void process(@Element String s, MultiOutputReceiver out) {
      out.get(MAIN).output("main " + s);
      out.get(OTHER).output("other " + s);
    }
  }

  static final class SingletonFn extends DoFn<String, String> {
    private final PCollectionView<Integer> view;

    SingletonFn(PCollectionView<Integer> view) {
      this.view = view;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      c.output(c.element() + "=" + c.sideInput(view));
    }
  }

  static final class IterableSumFn extends DoFn<String, String> {
    private final PCollectionView<Iterable<Integer>> view;

    IterableSumFn(PCollectionView<Iterable<Integer>> view) {
      this.view = view;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      int sum = 0;
      for (int v : c.sideInput(view)) {
        sum += v;
      }
      c.output(c.element() + "=" + sum);
    }
  }

  static final class MapFn extends DoFn<String, String> {
    private final PCollectionView<Map<String, Integer>> map;
    private final PCollectionView<Map<String, Iterable<Integer>>> multimap;

    MapFn(PCollectionView<Map<String, Integer>> map, PCollectionView<Map<String, Iterable<Integer>>> multimap) {
      this.map = map;
      this.multimap = multimap;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      List<Integer> multi = new ArrayList<>();
      Iterable<Integer> values = c.sideInput(multimap).get(c.element());
      if (values != null) {
        values.forEach(multi::add);
      }
      c.output(c.element() + " map=" + c.sideInput(map).get(c.element()) + " multi=" + multi);
    }
  }

  /** Outputs the identity of the map view it reads. */
  static final class ViewIdentityFn extends DoFn<String, String> {
    private final PCollectionView<Map<String, Integer>> view;

    ViewIdentityFn(PCollectionView<Map<String, Integer>> view) {
      this.view = view;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      c.output(Integer.toString(System.identityHashCode(c.sideInput(view))));
    }
  }

  static final class WindowNameFn extends DoFn<String, String> {
    @ProcessElement
    public void process(@Element String s, BoundedWindow window, OutputReceiver<String> out) {
      out.output(s + "@" + window);
    }
  }

  static final class LifecycleFn extends DoFn<String, String> {
    static final AtomicInteger SETUP = new AtomicInteger();
    static final AtomicInteger TEARDOWN = new AtomicInteger();

    @Setup
    public void setup() {
      SETUP.incrementAndGet();
    }

    @ProcessElement
    public void process(@Element String s) {}

    @Teardown
    public void teardown() {
      TEARDOWN.incrementAndGet();
    }
  }
}
