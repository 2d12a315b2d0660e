package dev.sluice.runner;

import static dev.sluice.runner.CollectingSink.collect;
import static dev.sluice.runner.CollectingSink.collected;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Streaming mode on SluiceRunner: unbounded reads, TestStream, and a job that never ends. Only
 * stateless transforms (streaming grouping comes separately), so results are gathered by a
 * collecting DoFn rather than PAssert (which groups).
 */
@Timeout(120)
class SluiceRunnerStreamingTest implements Serializable {


  @Test
  void shouldRunABoundedPipelineInStreamingMode() {
    SluicePipelineOptions options = SluiceTestPipelines.options(2);
    options.setStreaming(true);
    Pipeline p = Pipeline.create(options);
    String sink = collect(p.apply(GenerateSequence.from(0).to(50)).apply(toText()), "Collect");

    PipelineResult result = p.run();

    assertThat(result.waitUntilFinish()).isEqualTo(PipelineResult.State.DONE);
    assertThat(collected(sink)).containsExactlyInAnyOrderElementsOf(numbers(0, 50));
  }

  @Test
  void shouldReadABoundedNumberOfRecordsFromAnUnboundedSourceInStreamingMode() {
    SluicePipelineOptions options = SluiceTestPipelines.options(2);
    options.setStreaming(true);
    Pipeline p = Pipeline.create(options);
    String sink = collect(p.apply(GenerateSequence.from(0).to(300).withMaxReadTime(Duration.standardMinutes(5))
        ).apply(toText()), "Collect");

    assertThat(p.run().waitUntilFinish()).isEqualTo(PipelineResult.State.DONE);
    assertThat(collected(sink)).containsExactlyInAnyOrderElementsOf(numbers(0, 300));
  }

  @Test
  void shouldReadABoundedNumberOfRecordsFromAnUnboundedSourceInBatch() {
    Pipeline p = SluiceTestPipelines.create(2);
    PCollection<Long> read = p.apply(GenerateSequence.from(0).to(2_000).withMaxReadTime(Duration.standardMinutes(5)));
    PAssert.that(read).containsInAnyOrder(LongStream.range(0, 2_000).boxed().collect(Collectors.toList()));

    SluiceTestPipelines.run(p);
  }

  @Test
  void shouldFinishWhenEverySplitOfAnUnboundedSourceReachesTheEndOfTime() {
    SluicePipelineOptions options = SluiceTestPipelines.options(2);
    Pipeline p = Pipeline.create(options);
    // 5 splits over 2 subtasks: one subtask reads three splits interleaved, the other two.
    PCollection<Long> read = p.apply(Read.from(new FiniteUnboundedSource(0, 500, 5)));
    assertThat(read.isBounded()).isEqualTo(PCollection.IsBounded.UNBOUNDED);
    String sink = collect(read.apply(toText()), "Collect");

    assertThat(p.run().waitUntilFinish()).isEqualTo(PipelineResult.State.DONE);
    assertThat(collected(sink)).containsExactlyInAnyOrderElementsOf(numbers(0, 500));
  }

  @Test
  void shouldRunASourceWithFewerSplitsThanSubtasks() {
    Pipeline p = Pipeline.create(SluiceTestPipelines.options(4));
    String sink = collect(p.apply(Read.from(new FiniteUnboundedSource(0, 40, 1))).apply(toText()), "Collect");

    assertThat(p.run().waitUntilFinish()).isEqualTo(PipelineResult.State.DONE);
    assertThat(collected(sink)).containsExactlyInAnyOrderElementsOf(numbers(0, 40));
  }

  @Test
  void shouldReturnNullAtTheTimeoutAndCancelANeverEndingJob() throws Exception {
    SluicePipelineOptions options = SluiceTestPipelines.options(2);
    options.setRunner(SluiceRunner.class);
    Pipeline p = Pipeline.create(options);
    String sink = collect(p.apply(GenerateSequence.from(0)).apply(toText()), "Collect");

    PipelineResult result = p.run();
    try {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (collected(sink).size() < 100 && System.nanoTime() < deadline) {
        // Polls on the condition; waitUntilFinish with a timeout doubles as the pause.
        assertThat(result.waitUntilFinish(Duration.millis(20))).isNull();
      }
      assertThat(collected(sink)).hasSizeGreaterThanOrEqualTo(100);
      assertThat(result.getState()).isEqualTo(PipelineResult.State.RUNNING);
      assertThat(result.waitUntilFinish(Duration.millis(50))).isNull();
    } finally {
      result.cancel();
    }
    assertThat(result.waitUntilFinish()).isEqualTo(PipelineResult.State.CANCELLED);
  }

  /**
   * An unbounded-per-element splittable DoFn fed by a bounded input (Impulse): its restriction
   * outlives the input, resumes from processing-time timers between impulses, and the job ends
   * when the restriction does.
   */
  @Test
  void shouldRunAPeriodicImpulseWithAStopTimeToItsEnd() {
    SluicePipelineOptions options = SluiceTestPipelines.options(2);
    options.setStreaming(true);
    Pipeline p = Pipeline.create(options);
    Instant start = Instant.now();
    String sink = collect(p.apply(org.apache.beam.sdk.transforms.PeriodicImpulse.create()
            .startAt(start).stopAt(start.plus(Duration.millis(500))).withInterval(Duration.millis(100)))
        .apply(MapElements.into(TypeDescriptors.strings()).via(t -> Long.toString(t.getMillis() - start.getMillis()))),
        "Collect");

    assertThat(p.run().waitUntilFinish()).isEqualTo(PipelineResult.State.DONE);
    assertThat(collected(sink)).containsExactlyInAnyOrder("0", "100", "200", "300", "400", "500");
  }

  /**
   * A TestStream job runs on synthetic processing time, which only the stream moves: once the
   * stream ended, the clock jumps to each timer the splittable DoFn still waits for.
   */
  @Test
  void shouldResumeAnUnboundedSplittableDoFnFedByATestStreamAfterTheStreamEnded() {
    SluicePipelineOptions options = SluiceTestPipelines.options(2);
    options.setStreaming(true);
    Pipeline p = Pipeline.create(options);
    String sink = collect(p.apply(TestStream.create(StringUtf8Coder.of()).addElements("a", "b")
            .advanceProcessingTime(Duration.millis(10)).advanceWatermarkToInfinity())
        .apply(ParDo.of(new OnePerCallWithDelayFn())), "Collect");

    assertThat(p.run().waitUntilFinish()).isEqualTo(PipelineResult.State.DONE);
    assertThat(collected(sink)).containsExactlyInAnyOrder("a0", "a1", "a2", "b0", "b1", "b2");
  }

  /** Unbounded per element: one output of [0, 3) per call, resuming a minute later. */
  @DoFn.UnboundedPerElement
  static final class OnePerCallWithDelayFn extends DoFn<String, String> {
    @GetInitialRestriction
    public org.apache.beam.sdk.io.range.OffsetRange initial() {
      return new org.apache.beam.sdk.io.range.OffsetRange(0, 3);
    }

    @ProcessElement
    public ProcessContinuation process(@Element String e,
        org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker<org.apache.beam.sdk.io.range.OffsetRange, Long> tracker,
        OutputReceiver<String> out) {
      long position = tracker.currentRestriction().getFrom();
      if (!tracker.tryClaim(position)) {
        return ProcessContinuation.stop();
      }
      out.output(e + position);
      return ProcessContinuation.resume().withResumeDelay(Duration.standardMinutes(1));
    }
  }

  /** A splittable DoFn whose restriction never ends keeps the job running until it is canceled. */
  @Test
  void shouldKeepRunningAnEndlessPeriodicImpulseUntilCanceled() throws Exception {
    SluicePipelineOptions options = SluiceTestPipelines.options(2);
    options.setRunner(SluiceRunner.class);
    options.setStreaming(true);
    Pipeline p = Pipeline.create(options);
    String sink = collect(p.apply(org.apache.beam.sdk.transforms.PeriodicImpulse.create().withInterval(Duration.millis(10)))
        .apply(MapElements.into(TypeDescriptors.strings()).via(t -> "tick")), "Collect");

    PipelineResult result = p.run();
    try {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (collected(sink).size() < 20 && System.nanoTime() < deadline) {
        assertThat(result.waitUntilFinish(Duration.millis(20))).isNull();
      }
      assertThat(collected(sink)).hasSizeGreaterThanOrEqualTo(20);
      assertThat(result.getState()).isEqualTo(PipelineResult.State.RUNNING);
    } finally {
      result.cancel();
    }
    assertThat(result.waitUntilFinish()).isEqualTo(PipelineResult.State.CANCELLED);
  }

  @Test
  void shouldReplayATestStreamThroughStatelessTransforms() {
    Pipeline p = Pipeline.create(SluiceTestPipelines.options(2));
    Instant base = new Instant(0);
    TestStream<String> events = TestStream.create(StringUtf8Coder.of())
        .addElements(TimestampedValue.of("a", base.plus(Duration.millis(1))), TimestampedValue.of("b", base.plus(Duration.millis(2))))
        .advanceWatermarkTo(base.plus(Duration.standardMinutes(1)))
        .advanceProcessingTime(Duration.millis(20))
        .addElements(TimestampedValue.of("c", base.plus(Duration.standardMinutes(1)).plus(Duration.millis(5))))
        .advanceWatermarkToInfinity();
    PCollection<String> first = p.apply("Events", events);
    PCollection<String> second = p.apply("More", TestStream.create(StringUtf8Coder.of())
        .addElements(TimestampedValue.of("d", base.plus(Duration.standardMinutes(3))))
        .advanceWatermarkToInfinity());
    PCollection<String> windowed = PCollectionList.of(first).and(second)
        .apply(Flatten.pCollections())
        .apply(Window.into(FixedWindows.of(Duration.standardMinutes(1))))
        .apply("Describe", ParDo.of(new DoFn<String, String>() {
          @ProcessElement
          public void process(@Element String e, @Timestamp Instant ts, BoundedWindow w, OutputReceiver<String> o) {
            o.output(e + "@" + ts.getMillis() + " in " + w.maxTimestamp().plus(Duration.millis(1)).getMillis());
          }
        }));
    String sink = collect(windowed, "Collect");

    assertThat(p.run().waitUntilFinish()).isEqualTo(PipelineResult.State.DONE);
    assertThat(collected(sink)).containsExactlyInAnyOrder(
        "a@1 in 60000", "b@2 in 60000", "c@60005 in 120000", "d@180000 in 240000");
  }

  /**
   * What Beam's {@code ParDoTest.BundleInvariantsTests#testWatermarkUpdateMidBundle} checks, less
   * the side input of {@code Combine.globally} with defaults: a DoFn that emits its buffered
   * elements in {@code @FinishBundle} while the watermark advances between them must not make them
   * late (a bundle finishes before the watermark passes its elements).
   */
  @Test
  void shouldNotMakeFinishBundleOutputLateWhenTheWatermarkAdvancesMidBundle() {
    Pipeline p = Pipeline.create(SluiceTestPipelines.options(2));
    TestStream.Builder<String> events = TestStream.create(StringUtf8Coder.of()).advanceWatermarkTo(new Instant(0));
    int batches = 50;
    for (int i = 0; i < batches; i++) {
      List<TimestampedValue<String>> batch = new ArrayList<>();
      for (int j = 0; j <= i; j++) {
        batch.add(TimestampedValue.of(Integer.toString(j), new Instant(i)));
      }
      events = events.addElements(batch.get(0), batch.subList(1, batch.size()).toArray(new TimestampedValue[0]))
          .advanceWatermarkTo(new Instant(i + 1));
    }
    PCollection<Long> counts = p.apply(events.advanceWatermarkToInfinity())
        .apply(ParDo.of(new EmitInFinishBundleFn()))
        .apply("MilliWindows", Window.into(FixedWindows.of(Duration.millis(1))))
        .apply("Count", Combine.globally(Count.<String>combineFn()).withoutDefaults())
        .apply("Global", Window.<Long>into(new GlobalWindows())
            .triggering(AfterWatermark.pastEndOfWindow())
            .withAllowedLateness(Duration.ZERO)
            .discardingFiredPanes())
        .apply("Sum", Combine.globally(Sum.ofLongs()).withoutDefaults());
    PAssert.that(counts).containsInAnyOrder((long) batches * (batches + 1) / 2);

    SluiceTestPipelines.run(p);
  }

  /** Holds its elements until {@code @FinishBundle} and emits them there with their timestamps. */
  private static final class EmitInFinishBundleFn extends DoFn<String, String> {
    private final java.util.Set<KV<String, Instant>> buffer = new java.util.HashSet<>();

    @ProcessElement
    public void process(@Element String e, @Timestamp Instant ts) {
      buffer.add(KV.of(e, ts));
    }

    @FinishBundle
    public void finish(FinishBundleContext c) {
      buffer.forEach(kv -> c.output(kv.getKey(), kv.getValue(), GlobalWindow.INSTANCE));
      buffer.clear();
    }
  }

  private static MapElements<Long, String> toText() {
    return MapElements.into(TypeDescriptors.strings()).via(x -> Long.toString(x));
  }

  private static List<String> numbers(long from, long to) {
    return LongStream.range(from, to).mapToObj(Long::toString).collect(Collectors.toList());
  }

  /**
   * Numbers {@code [from, to)} split into {@code splits} ranges; a reader's watermark is its
   * last timestamp and reaches the end of time once its range is read, so the job ends.
   */
  static final class FiniteUnboundedSource extends UnboundedSource<Long, UnboundedSource.CheckpointMark> {
    private final long from;
    private final long to;
    private final int splits;

    FiniteUnboundedSource(long from, long to, int splits) {
      this.from = from;
      this.to = to;
      this.splits = splits;
    }

    @Override
    public List<FiniteUnboundedSource> split(int desiredNumSplits, PipelineOptions options) {
      List<FiniteUnboundedSource> out = new ArrayList<>();
      long size = (to - from + splits - 1) / splits;
      for (long start = from; start < to; start += size) {
        out.add(new FiniteUnboundedSource(start, Math.min(to, start + size), 1));
      }
      return out;
    }

    @Override
    public UnboundedReader<Long> createReader(PipelineOptions options, @Nullable CheckpointMark mark) {
      return new Reader(this);
    }

    @Override
    public Coder<CheckpointMark> getCheckpointMarkCoder() {
      return null;
    }

    @Override
    public Coder<Long> getOutputCoder() {
      return VarLongCoder.of();
    }

    private static final class Reader extends UnboundedReader<Long> {
      private final FiniteUnboundedSource source;
      private long current;

      Reader(FiniteUnboundedSource source) {
        this.source = source;
        this.current = source.from - 1;
      }

      @Override
      public boolean start() {
        return advance();
      }

      @Override
      public boolean advance() {
        if (current + 1 >= source.to) {
          current = source.to;
          return false;
        }
        current++;
        return true;
      }

      @Override
      public Long getCurrent() {
        if (current < source.from || current >= source.to) {
          throw new NoSuchElementException();
        }
        return current;
      }

      @Override
      public Instant getCurrentTimestamp() {
        return new Instant(getCurrent());
      }

      @Override
      public Instant getWatermark() {
        return current >= source.to ? BoundedWindow.TIMESTAMP_MAX_VALUE : new Instant(Math.max(source.from, current));
      }

      @Override
      public CheckpointMark getCheckpointMark() {
        return CheckpointMark.NOOP_CHECKPOINT_MARK;
      }

      @Override
      public UnboundedSource<Long, ?> getCurrentSource() {
        return source;
      }

      @Override
      public void close() throws IOException {}
    }
  }
}
