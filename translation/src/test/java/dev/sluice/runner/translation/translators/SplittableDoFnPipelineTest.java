package dev.sluice.runner.translation.translators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.graph.JobGraph;
import dev.sluice.runner.translation.PipelineTranslator;
import dev.sluice.runner.translation.testing.TestPipelines;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A splittable DoFn in batch: {@code PipelineTranslator.prepare} expands it into plain ParDos
 * that process each restriction to its end, which this translation runs.
 */
class SplittableDoFnPipelineTest {

  @ParameterizedTest
  @EnumSource(PrimitivePipelineTest.Backend.class)
  void shouldProcessEveryRestrictionToItsEnd(PrimitivePipelineTest.Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    PCollection<String> out = p.apply("Counts", Create.of(3, 5)).apply("Expand", ParDo.of(new CountUpFn()));
    String id = TestPipelines.collect(out, "Collect");

    // The batch SDF expansion reshuffles, which needs the grouping translators.
    JobGraph graph = TestPipelines.translateOrSkipWithoutGrouping(p, 2);
    backend.run(graph);

    List<String> expected = new ArrayList<>();
    for (int n : List.of(3, 5)) {
      for (int i = 0; i < n; i++) {
        expected.add(n + ":" + i);
      }
    }
    assertThat(TestPipelines.collected(id)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @ParameterizedTest
  @EnumSource(PrimitivePipelineTest.Backend.class)
  void shouldRunAnUnboundedPerElementDoFnThatResumesUntilItsRestrictionEnds(PrimitivePipelineTest.Backend backend)
      throws Exception {
    Pipeline p = TestPipelines.create();
    PCollection<String> out = p.apply("Counts", Create.of(2, 4)).apply("Ticks", ParDo.of(new OnePerCallFn()));
    String id = TestPipelines.collect(out, "Collect");

    PipelineTranslator.prepare(p, false);
    // Unbounded, but only through the splittable DoFn: batch runs it to completion.
    assertThat(out.isBounded()).isEqualTo(PCollection.IsBounded.UNBOUNDED);
    assertThat(PipelineTranslator.producersOfUnboundedCollections(p)).isEmpty();
    backend.run(TestPipelines.translateOrSkipWithoutGrouping(p, 2));

    assertThat(TestPipelines.collected(id)).containsExactlyInAnyOrder("2:0", "2:1", "4:0", "4:1", "4:2", "4:3");
  }

  @ParameterizedTest
  @EnumSource(PrimitivePipelineTest.Backend.class)
  void shouldFinalizeTheWorkBeforeACheckpointBeforeGoingOn(PrimitivePipelineTest.Backend backend) throws Exception {
    FinalizeThenOutputFn.FINALIZED.set(false);
    Pipeline p = TestPipelines.create();
    PCollection<String> out = p.apply("One", Create.of("x")).apply("Finalizing", ParDo.of(new FinalizeThenOutputFn()));
    String id = TestPipelines.collect(out, "Collect");

    backend.run(TestPipelines.translateOrSkipWithoutGrouping(p, 2));

    // Output only once the callback registered before the checkpoint ran.
    assertThat(TestPipelines.collected(id)).containsExactly("x finalized");
  }

  @Test
  void shouldStillReportUnboundedReadsAsUnbounded() {
    Pipeline p = TestPipelines.create();
    p.apply("Forever", GenerateSequence.from(0));

    PipelineTranslator.prepare(p, false);

    assertThat(PipelineTranslator.producersOfUnboundedCollections(p)).singleElement().asString().startsWith("'Forever");
  }

  @Test
  void shouldRunAnUnboundedPerElementDoFnInStreamingFromItsResumeTimers() throws Exception {
    Pipeline p = TestPipelines.create();
    PCollection<String> out = p.apply("Counts", Create.of(2, 4)).apply("Ticks", ParDo.of(new OnePerCallFn()));
    String id = TestPipelines.collect(out, "Collect");

    // Streaming keeps the ProcessKeyedElements primitive: restrictions resume from timers, and
    // the job ends once the last restriction does, after its input ended.
    PrimitivePipelineTest.Backend.ENGINE.run(TestPipelines.translate(p, 2, true));

    assertThat(TestPipelines.collected(id)).containsExactlyInAnyOrder("2:0", "2:1", "4:0", "4:1", "4:2", "4:3");
  }

  @Test
  void shouldDecideOnStreamingByUnboundedReadsBeforeSplittableDoFnsAreRewritten() {
    Pipeline p = TestPipelines.create();
    p.apply("Forever", GenerateSequence.from(0));
    p.apply("Counts", Create.of(2)).apply("Ticks", ParDo.of(new OnePerCallFn()));

    PipelineTranslator.expandSplittableParDos(p);
    // The splittable DoFn alone would not switch to streaming; the unbounded read does.
    assertThat(PipelineTranslator.producersOfUnboundedCollections(p)).singleElement().asString().startsWith("'Forever");
    PipelineTranslator.prepare(p, true);

    List<String> processKeyed = new ArrayList<>();
    p.traverseTopologically(new Pipeline.PipelineVisitor.Defaults() {
      @Override
      public void visitPrimitiveTransform(org.apache.beam.sdk.runners.TransformHierarchy.Node node) {
        if (node.getTransform() instanceof org.apache.beam.sdk.util.construction.SplittableParDo.ProcessKeyedElements<?, ?, ?, ?>) {
          processKeyed.add(node.getFullName());
        }
      }
    });
    assertThat(processKeyed).singleElement().asString().startsWith("Ticks/");
  }

  /**
   * Claims one offset per call: registers a finalization callback and resumes until that callback
   * ran, then outputs and stops. Fails (runs out of offsets) if finalization never happens.
   */
  static final class FinalizeThenOutputFn extends DoFn<String, String> {
    static final java.util.concurrent.atomic.AtomicBoolean FINALIZED = new java.util.concurrent.atomic.AtomicBoolean();

    @ProcessElement
    public ProcessContinuation process(@Element String x, RestrictionTracker<OffsetRange, Long> tracker,
        BundleFinalizer finalizer, OutputReceiver<String> out) {
      long next = tracker.currentRestriction().getFrom();
      if (!tracker.tryClaim(next)) {
        return ProcessContinuation.stop();
      }
      if (FINALIZED.get()) {
        out.output(x + " finalized");
        tracker.tryClaim(Long.MAX_VALUE);
        return ProcessContinuation.stop();
      }
      finalizer.afterBundleCommit(org.joda.time.Instant.now().plus(org.joda.time.Duration.standardMinutes(1)), () -> FINALIZED.set(true));
      return ProcessContinuation.resume();
    }

    @GetInitialRestriction
    public OffsetRange initial() {
      return new OffsetRange(0, 3);
    }
  }

  /** Unbounded per element: claims one offset of [0, n) per call and resumes, without delay, for the next. */
  @DoFn.UnboundedPerElement
  static final class OnePerCallFn extends DoFn<Integer, String> {
    @ProcessElement
    public ProcessContinuation process(
        @Element Integer n, RestrictionTracker<OffsetRange, Long> tracker, OutputReceiver<String> out) {
      long next = tracker.currentRestriction().getFrom();
      if (!tracker.tryClaim(next)) {
        return ProcessContinuation.stop();
      }
      out.output(n + ":" + next);
      return ProcessContinuation.resume();
    }

    @GetInitialRestriction
    public OffsetRange initial(@Element Integer n) {
      return new OffsetRange(0, n);
    }
  }

  /** For element n emits n:0 .. n:(n-1), restriction [0, n) split in two. */
  static final class CountUpFn extends DoFn<Integer, String> {
    @ProcessElement
    public void process(@Element Integer n, RestrictionTracker<OffsetRange, Long> tracker, OutputReceiver<String> out) {
      for (long i = tracker.currentRestriction().getFrom(); tracker.tryClaim(i); i++) {
        out.output(n + ":" + i);
      }
    }

    @GetInitialRestriction
    public OffsetRange initial(@Element Integer n) {
      return new OffsetRange(0, n);
    }

    @SplitRestriction
    public void split(@Restriction OffsetRange range, OutputReceiver<OffsetRange> out) {
      for (OffsetRange part : range.split(2, 1)) {
        out.output(part);
      }
    }
  }
}
