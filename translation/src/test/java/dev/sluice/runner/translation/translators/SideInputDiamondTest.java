package dev.sluice.runner.translation.translators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.runner.translation.testing.EngineJobRunner;
import dev.sluice.runner.translation.testing.TestPipelines;
import java.time.Duration;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A ParDo whose main input and side input come from the same upstream task (the common "use a
 * view of my own input" shape), on real engine tasks with small bounded buffers: the upstream
 * task writes both edges, so the DoFn operator must keep draining its main input while the side
 * input is still running, or both tasks wait for each other forever. In streaming the side input
 * passes a materializing task first, and the main-input elements wait in the pushback buffer.
 */
class SideInputDiamondTest {

  @ParameterizedTest(name = "streaming={0}")
  @ValueSource(booleans = {false, true})
  void shouldNotDeadlockWhenMainAndSideInputShareAProducer(boolean streaming) throws Exception {
    Pipeline p = TestPipelines.create();
    PCollection<Long> numbers = p.apply("Numbers", GenerateSequence.from(0).to(20_000));
    PCollectionView<Iterable<Long>> all = numbers.apply("AsIterable", View.asIterable());
    PCollection<Long> out = numbers.apply("Use", ParDo.of(new CountSideFn(all)).withSideInputs(all));
    String id = TestPipelines.collect(out, "Collect");

    try (EngineJobRunner runner = new EngineJobRunner(1024, 4)) {
      EngineJobRunner.Result result = runner.run(TestPipelines.translate(p, 1, streaming), Duration.ofSeconds(30));
      assertThat(result.failures()).isEmpty();
    }

    assertThat(TestPipelines.collected(id)).hasSize(20_000).containsOnly(20_000L);
  }

  static final class CountSideFn extends DoFn<Long, Long> {
    private final PCollectionView<Iterable<Long>> view;
    private transient Long count;

    CountSideFn(PCollectionView<Iterable<Long>> view) {
      this.view = view;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      if (count == null) {
        long n = 0;
        for (Long ignored : c.sideInput(view)) {
          n++;
        }
        count = n;
      }
      c.output(count);
    }
  }
}
