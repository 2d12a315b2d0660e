package dev.sluice.runner.translation.translators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.runner.translation.testing.TestPipelines;
import dev.sluice.runner.translation.translators.PrimitivePipelineTest.Backend;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The stateful DoFns of {@link StatefulParDoPipelineTest} translated in streaming mode: state and
 * timers in the engine's keyed state backend (StreamingKeyedStepContext), with bounded input.
 * Same results as batch.
 */
class StreamingStatefulParDoPipelineTest {

  @ParameterizedTest
  @EnumSource(Backend.class)
  void shouldKeepStatePerKeyAndFlushItInAnEndOfWindowTimer(Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    List<KV<String, Integer>> input = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      input.add(KV.of("key-" + (i % 7), i));
    }
    PCollection<String> out = p.apply("Pairs", Create.of(input))
        .apply("Sum", ParDo.of(new StatefulParDoPipelineTest.SumAtEndFn()));
    String id = TestPipelines.collect(out, "Collect");

    backend.run(TestPipelines.translate(p, 2, true));

    List<String> expected = new ArrayList<>();
    for (int k = 0; k < 7; k++) {
      int sum = 0;
      int count = 0;
      for (int i = k; i < 100; i += 7) {
        sum += i;
        count++;
      }
      expected.add("key-" + k + " count=" + count + " sum=" + sum);
    }
    assertThat(TestPipelines.collected(id)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void shouldFireProcessingTimeTimersAtTheEndAndTimersSetByTimers(Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    PCollection<String> out = p.apply("Pairs", Create.of(KV.of("a", "x"), KV.of("a", "y"), KV.of("b", "z")))
        .apply("Buffer", ParDo.of(new StatefulParDoPipelineTest.BufferFn()));
    String id = TestPipelines.collect(out, "Collect");

    backend.run(TestPipelines.translate(p, 2, true));

    assertThat(TestPipelines.collected(id)).containsExactlyInAnyOrder("a:[x, y]", "b:[z]", "a:again", "b:again");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void shouldCallOnWindowExpirationPerKeyAndWindow(Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    PCollection<String> out = p.apply("Pairs", Create.timestamped(
            TimestampedValue.of(KV.of("a", 1), new Instant(1)), TimestampedValue.of(KV.of("a", 2), new Instant(2)),
            TimestampedValue.of(KV.of("a", 5), new Instant(15)), TimestampedValue.of(KV.of("b", 3), new Instant(3))))
        .apply("Windows", Window.into(FixedWindows.of(Duration.millis(10))))
        .apply("Expire", ParDo.of(new StatefulParDoPipelineTest.SumOnExpiryFn()));
    String id = TestPipelines.collect(out, "Collect");

    backend.run(TestPipelines.translate(p, 2, true));

    assertThat(TestPipelines.collected(id)).containsExactlyInAnyOrder("a=3", "a=5", "b=3");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void shouldCombineStateWithSideInputs(Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    PCollectionView<List<Integer>> weights = p.apply("Weights", Create.of(10, 100)).apply("AsList", View.asList());
    PCollection<String> out = p.apply("Pairs", Create.of(KV.of("a", 1), KV.of("a", 2), KV.of("b", 3)))
        .apply("Weighted", ParDo.of(new StatefulParDoPipelineTest.WeightedSumFn(weights)).withSideInputs(weights));
    String id = TestPipelines.collect(out, "Collect");

    backend.run(TestPipelines.translate(p, 2, true));

    assertThat(TestPipelines.collected(id)).containsExactlyInAnyOrder("a=330", "b=330");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void shouldProcessTimeSortedInputInTimestampOrderPerKey(Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    List<TimestampedValue<KV<String, Integer>>> input = new ArrayList<>();
    for (int i : List.of(5, 1, 4, 2, 3, 9, 7, 8, 6, 0)) {
      input.add(TimestampedValue.of(KV.of(i % 2 == 0 ? "even" : "odd", i), new Instant(i)));
    }
    PCollection<String> out = p.apply("Pairs", Create.timestamped(input))
        .apply("Sorted", ParDo.of(new StatefulParDoPipelineTest.ConcatSortedFn()));
    String id = TestPipelines.collect(out, "Collect");

    backend.run(TestPipelines.translate(p, 2, true));

    assertThat(TestPipelines.collected(id)).contains("even:0,2,4,6,8", "odd:1,3,5,7,9").hasSize(10);
  }
}
