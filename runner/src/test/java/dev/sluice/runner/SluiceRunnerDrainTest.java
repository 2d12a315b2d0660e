package dev.sluice.runner;

import static dev.sluice.runner.CollectingSink.collect;
import static dev.sluice.runner.CollectingSink.collected;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.DoFn.ProcessContinuation;
import org.apache.beam.sdk.transforms.Impulse;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.PeriodicImpulse;
import org.apache.beam.sdk.transforms.splittabledofn.GrowableOffsetRangeTracker;
import org.apache.beam.sdk.transforms.splittabledofn.OffsetRangeTracker;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SluicePipelineResult#drain()}: a streaming job that would run forever stops reading,
 * fires its last windows, truncates its splittable DoFns' restrictions and ends DONE, with
 * nothing that was read lost.
 */
@Timeout(120)
class SluiceRunnerDrainTest implements Serializable {

  /** Per test id: the restriction start each truncation saw. */
  private static final Map<String, List<Long>> TRUNCATIONS = new ConcurrentHashMap<>();

  @Test
  void drainedUnboundedReadFiresTheFinalPanesOfItsOpenWindows() {
    SluicePipelineOptions options = streamingOptions();
    Pipeline p = Pipeline.create(options);
    PCollection<Long> read = p.apply(GenerateSequence.from(0)
        .withRate(2_000, Duration.standardSeconds(1))
        .withTimestampFn(n -> new Instant(n)));
    String raw = collect(read.apply("Raw", MapElements.into(TypeDescriptors.strings()).via(n -> Long.toString(n))), "CollectRaw");
    String counts = collect(read
        .apply(Window.into(FixedWindows.of(Duration.millis(100))))
        .apply(Combine.globally(Count.<Long>combineFn()).withoutDefaults())
        .apply(ParDo.of(new WindowedCountFn())), "CollectCounts");

    SluicePipelineResult result = (SluicePipelineResult) p.run();
    try {
      awaitWhileRunning(result, () -> collected(counts).size() >= 3, "three windows fired before the drain");
      // RUNNING while the drain is under way, or DONE if it was quick.
      assertThat(result.drain()).isIn(PipelineResult.State.RUNNING, PipelineResult.State.DONE);
      assertThat(result.waitUntilFinish(Duration.standardMinutes(1))).isEqualTo(PipelineResult.State.DONE);
    } finally {
      result.cancel();
    }
    // Every window of what was read fired exactly once (on time, its final pane), with the
    // count of what was read in it: windows still open at the drain fired when the watermark
    // went to +infinity.
    Map<Long, Long> expected = new HashMap<>();
    for (String n : collected(raw)) {
      expected.merge(Long.parseLong(n) / 100 * 100, 1L, Long::sum);
    }
    assertThat(expected).isNotEmpty();
    Map<Long, Long> fired = new HashMap<>();
    for (String line : collected(counts)) {
      String[] parts = line.split(" ");
      assertThat(parts[2]).isEqualTo("ON_TIME");
      assertThat(fired.put(Long.parseLong(parts[0]), Long.parseLong(parts[1]))).as("window %s fired twice", parts[0]).isNull();
    }
    assertThat(fired).isEqualTo(expected);
    // The last window read was still open when the drain came (the source goes on forever).
    assertThat(Collections.max(expected.keySet())).isGreaterThanOrEqualTo(200);
    assertThat(result.drain()).isEqualTo(PipelineResult.State.DONE); // drained job: no-op
  }

  @Test
  void drainedEndlessSplittableDoFnTruncatesItsRestrictionAndProcessesWhatIsLeft() {
    Pipeline p = Pipeline.create(streamingOptions());
    String id = UUID.randomUUID().toString();
    TRUNCATIONS.put(id, Collections.synchronizedList(new ArrayList<>()));
    String sink = collect(p.apply(Impulse.create())
        .apply(ParDo.of(new EndlessCounterFn(id)))
        .apply(MapElements.into(TypeDescriptors.strings()).via(n -> Long.toString(n))), "Collect");

    SluicePipelineResult result = (SluicePipelineResult) p.run();
    try {
      awaitWhileRunning(result, () -> collected(sink).size() >= 30, "30 numbers before the drain");
      result.drain();
      result.drain(); // twice: no-op
      assertThat(result.waitUntilFinish(Duration.standardMinutes(1))).isEqualTo(PipelineResult.State.DONE);
    } finally {
      result.cancel();
    }
    List<Long> truncations = TRUNCATIONS.get(id);
    assertThat(truncations).hasSize(1);
    long truncatedAt = truncations.get(0);
    // Everything before the truncation point, then the three numbers truncation left.
    List<String> expected = LongStream.range(0, truncatedAt + 3).mapToObj(Long::toString).collect(Collectors.toList());
    assertThat(collected(sink)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void defaultTruncationDropsAnUnboundedRestriction() {
    Pipeline p = Pipeline.create(streamingOptions());
    String sink = collect(p.apply(Impulse.create())
        .apply(ParDo.of(new CounterFn(Long.MAX_VALUE)))
        .apply(MapElements.into(TypeDescriptors.strings()).via(n -> Long.toString(n))), "Collect");

    SluicePipelineResult result = (SluicePipelineResult) p.run();
    try {
      awaitWhileRunning(result, () -> collected(sink).size() >= 30, "30 numbers before the drain");
      result.drain();
      assertThat(result.waitUntilFinish(Duration.standardMinutes(1))).isEqualTo(PipelineResult.State.DONE);
    } finally {
      result.cancel();
    }
    // Nothing after the drain, and no gaps before it: the numbers are 0 .. n-1.
    List<String> numbers = collected(sink);
    assertThat(numbers).containsExactlyInAnyOrderElementsOf(
        LongStream.range(0, numbers.size()).mapToObj(Long::toString).collect(Collectors.toList()));
  }

  @Test
  void defaultTruncationKeepsABoundedRestrictionWhole() {
    Pipeline p = Pipeline.create(streamingOptions());
    String sink = collect(p.apply(Impulse.create())
        .apply(ParDo.of(new CounterFn(300)))
        .apply(MapElements.into(TypeDescriptors.strings()).via(n -> Long.toString(n))), "Collect");

    SluicePipelineResult result = (SluicePipelineResult) p.run();
    try {
      awaitWhileRunning(result, () -> collected(sink).size() >= 30, "30 numbers before the drain");
      result.drain();
      assertThat(result.waitUntilFinish(Duration.standardMinutes(1))).isEqualTo(PipelineResult.State.DONE);
    } finally {
      result.cancel();
    }
    assertThat(collected(sink)).containsExactlyInAnyOrderElementsOf(
        LongStream.range(0, 300).mapToObj(Long::toString).collect(Collectors.toList()));
  }

  @Test
  void drainedEndlessPeriodicImpulseEnds() {
    Pipeline p = Pipeline.create(streamingOptions());
    String sink = collect(p.apply(PeriodicImpulse.create().withInterval(Duration.millis(10)))
        .apply(MapElements.into(TypeDescriptors.strings()).via(t -> "tick")), "Collect");

    SluicePipelineResult result = (SluicePipelineResult) p.run();
    try {
      awaitWhileRunning(result, () -> collected(sink).size() >= 10, "10 ticks before the drain");
      result.drain();
      // PeriodicImpulse's own @TruncateRestriction drops its endless restriction.
      assertThat(result.waitUntilFinish(Duration.standardMinutes(1))).isEqualTo(PipelineResult.State.DONE);
    } finally {
      result.cancel();
    }
  }

  @Test
  void drainingAFinishedBatchJobDoesNothing() {
    SluicePipelineOptions options = SluiceTestPipelines.options(1);
    options.setRunner(SluiceRunner.class);
    Pipeline p = Pipeline.create(options);
    String sink = collect(p.apply(GenerateSequence.from(0).to(5))
        .apply(MapElements.into(TypeDescriptors.strings()).via(n -> Long.toString(n))), "Collect");
    SluicePipelineResult result = (SluicePipelineResult) p.run();
    assertThat(result.waitUntilFinish()).isEqualTo(PipelineResult.State.DONE);
    assertThat(result.drain()).isEqualTo(PipelineResult.State.DONE);
    assertThat(collected(sink)).containsExactlyInAnyOrder("0", "1", "2", "3", "4");
  }

  private static SluicePipelineOptions streamingOptions() {
    SluicePipelineOptions options = SluiceTestPipelines.options(2);
    options.setRunner(SluiceRunner.class);
    options.setStreaming(true);
    return options;
  }

  /** Polls the condition; waitUntilFinish with a short timeout doubles as the pause. */
  private static void awaitWhileRunning(PipelineResult result, BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for: %s", what).isLessThan(deadline);
      assertThat(result.waitUntilFinish(Duration.millis(20))).as("job ended while waiting for: %s", what).isNull();
    }
  }

  /** "windowStart count timing" per fired pane. */
  private static final class WindowedCountFn extends DoFn<Long, String> {
    @ProcessElement
    public void process(@Element Long count, BoundedWindow window, PaneInfo pane, OutputReceiver<String> out) {
      out.output(((IntervalWindow) window).start().getMillis() + " " + count + " " + pane.getTiming());
    }
  }

  /**
   * Ten numbers of {@code [0, end)} per call, then resumes; Beam's default truncation (keeps a
   * bounded restriction, drops an unbounded one).
   */
  private static final class CounterFn extends DoFn<byte[], Long> {
    private final long end;

    CounterFn(long end) {
      this.end = end;
    }

    @GetInitialRestriction
    public OffsetRange initialRestriction() {
      return new OffsetRange(0, end);
    }

    /** Beam's OffsetRangeTracker always says BOUNDED; the growable one is UNBOUNDED up to Long.MAX_VALUE. */
    @NewTracker
    public RestrictionTracker<OffsetRange, Long> newTracker(@Restriction OffsetRange restriction) {
      return restriction.getTo() == Long.MAX_VALUE
          ? new GrowableOffsetRangeTracker(restriction.getFrom(), () -> Long.MAX_VALUE)
          : new OffsetRangeTracker(restriction);
    }

    @ProcessElement
    public ProcessContinuation process(RestrictionTracker<OffsetRange, Long> tracker, OutputReceiver<Long> out) {
      return countTen(tracker, out);
    }
  }

  private static ProcessContinuation countTen(RestrictionTracker<OffsetRange, Long> tracker, DoFn.OutputReceiver<Long> out) {
    long next = tracker.currentRestriction().getFrom();
    for (int i = 0; i < 10; i++, next++) {
      if (!tracker.tryClaim(next)) {
        return DoFn.ProcessContinuation.stop();
      }
      out.output(next);
    }
    return DoFn.ProcessContinuation.resume().withResumeDelay(Duration.millis(10));
  }

  /**
   * Counts 0, 1, 2, ... forever: ten numbers per call, then resumes. Its truncation records
   * where it was and leaves three more numbers.
   */
  private static final class EndlessCounterFn extends DoFn<byte[], Long> {
    private final String id;

    EndlessCounterFn(String id) {
      this.id = id;
    }

    @GetInitialRestriction
    public OffsetRange initialRestriction() {
      return new OffsetRange(0, Long.MAX_VALUE);
    }

    @ProcessElement
    public ProcessContinuation process(RestrictionTracker<OffsetRange, Long> tracker, OutputReceiver<Long> out) {
      return countTen(tracker, out);
    }

    @TruncateRestriction
    public RestrictionTracker.TruncateResult<OffsetRange> truncate(@Restriction OffsetRange restriction) {
      TRUNCATIONS.get(id).add(restriction.getFrom());
      return RestrictionTracker.TruncateResult.of(new OffsetRange(restriction.getFrom(), restriction.getFrom() + 3));
    }
  }
}
