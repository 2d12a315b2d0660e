package dev.sluice.runner.translation.translators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.runner.translation.testing.TestPipelines;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ParDo and side inputs together with grouping, combining and windowing (singleton views are a
 * global Combine; windowed views need Window.into). Skipped until the grouping translators are
 * merged with these.
 */
class SideInputsWithGroupingPipelineTest {

  @ParameterizedTest
  @EnumSource(PrimitivePipelineTest.Backend.class)
  void shouldReadASingletonSideInputBuiltByACombine(PrimitivePipelineTest.Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    PCollectionView<Integer> total = p.apply("Side", Create.of(1, 2, 3, 4)).apply("Sum", Sum.integersGlobally().asSingletonView());
    PCollection<String> out = p.apply("Main", Create.of("a", "b"))
        .apply("Use", ParDo.of(new AppendFn(total)).withSideInputs(total));
    String id = TestPipelines.collect(out, "Collect");

    backend.run(TestPipelines.translateOrSkipWithoutGrouping(p, 2));

    assertThat(TestPipelines.collected(id)).containsExactlyInAnyOrder("a=10", "b=10");
  }

  @ParameterizedTest
  @EnumSource(PrimitivePipelineTest.Backend.class)
  void shouldServeEachWindowItsOwnSideInput(PrimitivePipelineTest.Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    Window<Integer> tenMillis = Window.into(FixedWindows.of(Duration.millis(10)));
    PCollectionView<Integer> perWindow = p.apply("Side", Create.timestamped(
            TimestampedValue.of(1, new Instant(1)), TimestampedValue.of(2, new Instant(2)), TimestampedValue.of(30, new Instant(12))))
        .apply("SideWindows", tenMillis)
        .apply("Sum", Sum.integersGlobally().withoutDefaults().asSingletonView());
    PCollection<Integer> main = p.apply("Main", Create.timestamped(
            TimestampedValue.of(100, new Instant(5)), TimestampedValue.of(200, new Instant(15))))
        .apply("MainWindows", Window.into(FixedWindows.of(Duration.millis(10))));
    PCollection<String> out = main
        .apply("Format", MapElements.into(TypeDescriptors.strings()).via((Integer x) -> Integer.toString(x)))
        .apply("Use", ParDo.of(new AppendFn(perWindow)).withSideInputs(perWindow));
    String id = TestPipelines.collect(out, "Collect");

    backend.run(TestPipelines.translateOrSkipWithoutGrouping(p, 2));

    assertThat(TestPipelines.collected(id)).containsExactlyInAnyOrder("100=3", "200=30");
  }

  @ParameterizedTest
  @EnumSource(PrimitivePipelineTest.Backend.class)
  void shouldCountWords(PrimitivePipelineTest.Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    PCollection<KV<String, Long>> counts = p.apply("Lines", Create.of("a b a", "c a b"))
        .apply("Split", ParDo.of(new SplitFn()))
        .apply("Count", Count.perElement());
    String id = TestPipelines.collect(counts, "Collect");

    backend.run(TestPipelines.translateOrSkipWithoutGrouping(p, 2));

    assertThat(TestPipelines.collected(id)).containsExactlyInAnyOrder(KV.of("a", 3L), KV.of("b", 2L), KV.of("c", 1L));
  }

  static final class AppendFn extends DoFn<String, String> {
    private final PCollectionView<Integer> view;

    AppendFn(PCollectionView<Integer> view) {
      this.view = view;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      c.output(c.element() + "=" + c.sideInput(view));
    }
  }

  static final class SplitFn extends DoFn<String, String> {
    @ProcessElement
    public void process(@Element String line, OutputReceiver<String> out) {
      for (String w : List.of(line.split(" "))) {
        out.output(w);
      }
    }
  }
}
