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
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * SplittableDoFnOperator on drain: pending restrictions are truncated at once, what truncation
 * keeps resumes right away and runs to its end, what it drops is gone (and with it its hold), and
 * restrictions that start after the drain are truncated too.
 */
class SplittableDoFnOperatorDrainTest {

  private static final TupleTag<String> MAIN = new TupleTag<>("main");

  /** One output per call, resumes after 100 ms; truncation drops its restriction. */
  static final class DroppedOnTruncateFn extends DoFn<String, String> {
    @GetInitialRestriction
    public OffsetRange initialRestriction(@Element String element) {
      return new OffsetRange(0, 3);
    }

    @ProcessElement
    public ProcessContinuation process(
        @Element String element, RestrictionTracker<OffsetRange, Long> tracker, OutputReceiver<String> out) {
      long position = tracker.currentRestriction().getFrom();
      if (!tracker.tryClaim(position)) {
        return ProcessContinuation.stop();
      }
      out.output(element + position);
      return ProcessContinuation.resume().withResumeDelay(Duration.millis(100));
    }

    @TruncateRestriction
    public RestrictionTracker.TruncateResult<OffsetRange> truncate() {
      return null;
    }
  }

  @Test
  void drainKeepsABoundedRestrictionAndResumesItAtOnce() throws Exception {
    // OnePerCallFn has Beam's default truncation; its OffsetRangeTracker is BOUNDED: kept whole.
    SplittableDoFnOperator operator = operator(new SplittableDoFnOperatorTest.OnePerCallFn());
    try (OperatorHarness h = new OperatorHarness(operator)) {
      long start = h.processingTime();
      h.process(0, element("a", 0, 3), 0);
      h.endInputs(0);
      CompletableFuture<?> work = h.workAfterEndOfInput();
      assertThat(work).isNotNull().isNotDone();

      operator.drain();
      operator.drain(); // twice: no-op
      assertThat(values(h)).containsExactly("a0");
      h.advanceProcessingTime(start + 1); // not after the 100 ms resume delay: resumed at once
      assertThat(values(h)).containsExactly("a0", "a1");
      h.advanceProcessingTime(start + 102);
      assertThat(values(h)).containsExactly("a0", "a1", "a2");
      assertThat(work).isDone();
      h.finish();
      assertThat(h.watermarks()).endsWith(Watermarks.MAX);
    }
  }

  @Test
  void drainDropsWhatTruncationDropsAndReleasesItsHold() throws Exception {
    SplittableDoFnOperator operator = operator(new DroppedOnTruncateFn());
    try (OperatorHarness h = new OperatorHarness(operator)) {
      h.process(0, element("b", 0, 3), 0);
      h.endInputs(0);
      CompletableFuture<?> work = h.workAfterEndOfInput();
      assertThat(work).isNotNull().isNotDone();
      assertThat(h.watermarks()).doesNotContain(Watermarks.MAX);

      operator.drain();
      // No restriction is pending any more (the wake-up requested before the drain stays
      // registered with the clock, and finds nothing to do).
      assertThat(work).isDone();
      assertThat(h.watermarks()).endsWith(Watermarks.MAX);
      assertThat(values(h)).containsExactly("b0");
      h.finish();
    }
  }

  @Test
  void restrictionsStartingAfterTheDrainAreTruncatedToo() throws Exception {
    SplittableDoFnOperator operator = operator(new DroppedOnTruncateFn());
    try (OperatorHarness h = new OperatorHarness(operator)) {
      operator.drain();
      h.process(0, element("c", 0, 3), 0);
      assertThat(values(h)).isEmpty();
      assertThat(h.pendingProcessingTimers()).isZero();
      h.endInputs(0);
      assertThat(h.workAfterEndOfInput()).isNull();
      h.finish();
    }
  }

  private static WindowedValue<KV<byte[], KV<String, OffsetRange>>> element(String value, long ts, long to) {
    return WindowedValue.timestampedValueInGlobalWindow(
        KV.of(value.getBytes(java.nio.charset.StandardCharsets.UTF_8), KV.of(value, new OffsetRange(0, to))), new Instant(ts));
  }

  private static SplittableDoFnOperator operator(DoFn<String, String> fn) {
    return new SplittableDoFnOperator(new SplittableDoFnOperator.Spec(
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
        10_000,
        Duration.standardMinutes(1)));
  }

  private static List<String> values(OperatorHarness h) {
    List<String> out = new ArrayList<>();
    for (Object v : h.values(0)) {
      out.add((String) ((WindowedValue<?>) v).getValue());
    }
    return out;
  }
}
