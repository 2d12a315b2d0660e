package dev.sluice.runner.translation.translators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.graph.JobGraph;
import dev.sluice.runner.translation.testing.TestPipelines;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.values.PCollection;
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
