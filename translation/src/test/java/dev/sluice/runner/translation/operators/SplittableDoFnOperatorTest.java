package dev.sluice.runner.translation.operators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.Watermarks;
import dev.sluice.engine.serde.JavaSerialization;
import dev.sluice.runner.translation.testing.OperatorHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.coders.InstantCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.splittabledofn.ManualWatermarkEstimator;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.transforms.splittabledofn.WatermarkEstimators;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * SplittableDoFnOperator: restrictions checkpoint into keyed state and resume from
 * processing-time timers, the output watermark is held at the watermark estimator's, and the
 * operator reports work left after the end of input until its last restriction finished.
 */
class SplittableDoFnOperatorTest {

  private static final TupleTag<String> MAIN = new TupleTag<>("main");

  /** Restriction [0, size) per element; a manual watermark estimator that starts at the element's timestamp. */
  abstract static class OffsetRangeFn extends DoFn<String, String> {
    private final long size;

    OffsetRangeFn(long size) {
      this.size = size;
    }

    @GetInitialRestriction
    public OffsetRange initialRestriction(@Element String element) {
      return new OffsetRange(0, size);
    }

    @GetInitialWatermarkEstimatorState
    public Instant initialWatermark(@Timestamp Instant timestamp) {
      return timestamp;
    }

    @NewWatermarkEstimator
    public WatermarkEstimators.Manual newEstimator(@WatermarkEstimatorState Instant state) {
      return new WatermarkEstimators.Manual(state);
    }

  }

  /** One output per call at position * 10 ms; resumes after 100 ms; its watermark follows its output. */
  @DoFn.UnboundedPerElement
  static final class OnePerCallFn extends OffsetRangeFn {
    OnePerCallFn() {
      super(3);
    }

    @ProcessElement
    public ProcessContinuation process(
        @Element String element,
        RestrictionTracker<OffsetRange, Long> tracker,
        ManualWatermarkEstimator<Instant> watermark,
        OutputReceiver<String> out) {
      long position = tracker.currentRestriction().getFrom();
      if (!tracker.tryClaim(position)) {
        return ProcessContinuation.stop();
      }
      Instant ts = new Instant(10 * (position + 1));
      out.outputWithTimestamp(element + position, ts);
      watermark.setWatermark(ts);
      return ProcessContinuation.resume().withResumeDelay(Duration.millis(100));
    }
  }

  /** Outputs its whole restriction in one call, unless the runner checkpoints it. */
  @DoFn.UnboundedPerElement
  static final class AllAtOnceFn extends OffsetRangeFn {
    AllAtOnceFn() {
      super(5);
    }

    @ProcessElement
    public ProcessContinuation process(
        @Element String element, RestrictionTracker<OffsetRange, Long> tracker, OutputReceiver<String> out) {
      for (long p = tracker.currentRestriction().getFrom(); tracker.tryClaim(p); p++) {
        out.output(element + p);
      }
      return ProcessContinuation.stop();
    }
  }

  @Test
  void shouldResumeFromAProcessingTimeTimerAfterTheResumeDelay() throws Exception {
    try (OperatorHarness h = harness(new OnePerCallFn(), 10_000)) {
      long start = h.processingTime();
      h.process(0, element("a", 0, 3), 0);
      assertThat(values(h)).containsExactly("a0");
      assertThat(h.pendingProcessingTimers()).isEqualTo(1);
      h.advanceProcessingTime(start + 99);
      assertThat(values(h)).containsExactly("a0");
      h.advanceProcessingTime(start + 101); // Beam fires a timer once time is after it
      assertThat(values(h)).containsExactly("a0", "a1");
      h.advanceProcessingTime(start + 202);
      assertThat(values(h)).containsExactly("a0", "a1", "a2");
      // All of [0, 3) is claimed: the tracker has no residual to resume.
      assertThat(h.pendingProcessingTimers()).isZero();
    }
  }

  @Test
  void shouldCheckpointAfterMaxOutputsAndResumeWithoutDelay() throws Exception {
    try (OperatorHarness h = harness(new AllAtOnceFn(), 2)) {
      long start = h.processingTime();
      h.process(0, element("b", 0, 5), 0);
      assertThat(values(h)).containsExactly("b0", "b1");
      assertThat(h.pendingProcessingTimers()).isEqualTo(1);
      h.advanceProcessingTime(start + 1);
      assertThat(values(h)).containsExactly("b0", "b1", "b2", "b3");
      h.advanceProcessingTime(start + 2);
      assertThat(values(h)).containsExactly("b0", "b1", "b2", "b3", "b4");
      assertThat(h.pendingProcessingTimers()).isZero();
    }
  }

  @Test
  void shouldHoldTheOutputWatermarkAtTheEstimatorsWatermarkUntilTheRestrictionsFinish() throws Exception {
    try (OperatorHarness h = harness(new OnePerCallFn(), 10_000)) {
      long start = h.processingTime();
      h.process(0, element("a", 0, 3), 0);
      h.watermark(0, 1_000);
      assertThat(h.watermarks()).containsExactly(10L); // the estimator's watermark after "a0"
      h.advanceProcessingTime(start + 101);
      assertThat(h.watermarks()).containsExactly(10L, 20L);

      // The input ends while the restriction is pending: the watermark stays held, work is left.
      h.endInputs(0);
      CompletableFuture<?> work = h.workAfterEndOfInput();
      assertThat(work).isNotNull().isNotDone();
      assertThat(h.watermarks()).containsExactly(10L, 20L);
      h.advanceProcessingTime(start + 201);
      assertThat(values(h)).containsExactly("a0", "a1");
      assertThat(work).isNotDone();
      h.advanceProcessingTime(start + 202); // the last position: the restriction is done, so is the hold
      assertThat(values(h)).containsExactly("a0", "a1", "a2");
      assertThat(work).isDone();
      assertThat(h.watermarks()).containsExactly(10L, 20L, Watermarks.MAX);
      h.finish();
      assertThat(h.watermarks()).containsExactly(10L, 20L, Watermarks.MAX);
    }
  }

  @Test
  void shouldReportNoWorkAfterEndOfInputWhenNoRestrictionIsPending() throws Exception {
    try (OperatorHarness h = harness(new AllAtOnceFn(), 10_000)) {
      h.process(0, element("c", 0, 5), 0);
      assertThat(values(h)).hasSize(5);
      h.endInputs(0);
      assertThat(h.workAfterEndOfInput()).isNull();
      h.finish();
      assertThat(h.watermarks()).containsExactly(Watermarks.MAX);
    }
  }

  /** As the SDF expansion delivers it: a random key, the element and its initial restriction. */
  private static WindowedValue<KV<byte[], KV<String, OffsetRange>>> element(String value, long ts, long to) {
    return WindowedValue.timestampedValueInGlobalWindow(
        KV.of(value.getBytes(java.nio.charset.StandardCharsets.UTF_8), KV.of(value, new OffsetRange(0, to))), new Instant(ts));
  }

  private static OperatorHarness harness(DoFn<String, String> fn, int maxOutputs) throws Exception {
    SplittableDoFnOperator.Spec spec = new SplittableDoFnOperator.Spec(
        "sdf",
        JavaSerialization.serialize(fn),
        new SerializablePipelineOptions(PipelineOptionsFactory.create()),
        StringUtf8Coder.of(),
        OffsetRange.Coder.of(),
        InstantCoder.of(),
        WindowingStrategy.globalDefault(),
        MAIN,
        Map.of(MAIN, 0),
        Map.of(),
        List.of(),
        1000,
        maxOutputs,
        Duration.standardMinutes(1));
    return new OperatorHarness(new SplittableDoFnOperator(spec));
  }

  private static List<String> values(OperatorHarness h) {
    List<String> out = new ArrayList<>();
    for (Object v : h.values(0)) {
      out.add((String) ((WindowedValue<?>) v).getValue());
    }
    return out;
  }
}
