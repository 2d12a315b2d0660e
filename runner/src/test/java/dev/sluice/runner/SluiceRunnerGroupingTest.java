package dev.sluice.runner;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Distinct;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Sessions;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** GroupByKey over windows, Combine, Count, Distinct and Top on TestSluiceRunner. */
@Timeout(120)
class SluiceRunnerGroupingTest {

  /** Keyed events at seconds 1, 2, 7, 12, 13 and 30 (key "a") and 3, 14 (key "b"). */
  private static PCollection<KV<String, Integer>> events(Pipeline p) {
    return p.apply(Create.timestamped(
        event("a", 1), event("a", 2), event("b", 3), event("a", 7), event("a", 12), event("a", 13),
        event("b", 14), event("a", 30)));
  }

  private static TimestampedValue<KV<String, Integer>> event(String key, int second) {
    return TimestampedValue.of(KV.of(key, second), new Instant(second * 1000L));
  }

  /** "key [start,end): sorted values", start/end in seconds; global window prints "global". */
  private static PCollection<String> groupAndDescribe(PCollection<KV<String, Integer>> in, WindowFn<Object, ?> windowFn) {
    PCollection<KV<String, Integer>> windowed = windowFn == null ? in : in.apply(Window.into(windowFn));
    return windowed.apply(GroupByKey.create()).apply("Describe", ParDo.of(new DoFn<KV<String, Iterable<Integer>>, String>() {
      @ProcessElement
      public void process(ProcessContext c, BoundedWindow window) {
        List<Integer> values = new ArrayList<>();
        c.element().getValue().forEach(values::add);
        values.sort(null);
        String w = window instanceof IntervalWindow iw
            ? "[" + iw.start().getMillis() / 1000 + "," + iw.end().getMillis() / 1000 + ")"
            : "global";
        c.output(c.element().getKey() + " " + w + ": " + values);
      }
    }));
  }

  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 4})
  void shouldGroupInTheGlobalWindow(int parallelism) {
    Pipeline p = SluiceTestPipelines.create(parallelism);

    PAssert.that(groupAndDescribe(events(p), null))
        .containsInAnyOrder("a global: [1, 2, 7, 12, 13, 30]", "b global: [3, 14]");
    SluiceTestPipelines.run(p);
  }

  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 4})
  void shouldGroupInFixedWindows(int parallelism) {
    Pipeline p = SluiceTestPipelines.create(parallelism);

    PAssert.that(groupAndDescribe(events(p), FixedWindows.of(Duration.standardSeconds(10))))
        .containsInAnyOrder("a [0,10): [1, 2, 7]", "a [10,20): [12, 13]", "a [30,40): [30]",
            "b [0,10): [3]", "b [10,20): [14]");
    SluiceTestPipelines.run(p);
  }

  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 4})
  void shouldGroupInSlidingWindows(int parallelism) {
    Pipeline p = SluiceTestPipelines.create(parallelism);
    PCollection<KV<String, Integer>> onlyB = p.apply(Create.timestamped(event("b", 3), event("b", 14)));

    PAssert.that(groupAndDescribe(onlyB, SlidingWindows.of(Duration.standardSeconds(10)).every(Duration.standardSeconds(5))))
        .containsInAnyOrder("b [-5,5): [3]", "b [0,10): [3]", "b [5,15): [14]", "b [10,20): [14]");
    SluiceTestPipelines.run(p);
  }

  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 4})
  void shouldMergeSessions(int parallelism) {
    Pipeline p = SluiceTestPipelines.create(parallelism);

    // [2,7) and [7,12) only touch: Beam merges overlapping sessions, not adjacent ones.
    PAssert.that(groupAndDescribe(events(p), Sessions.withGapDuration(Duration.standardSeconds(5))))
        .containsInAnyOrder("a [1,7): [1, 2]", "a [7,12): [7]", "a [12,18): [12, 13]", "a [30,35): [30]",
            "b [3,8): [3]", "b [14,19): [14]");
    SluiceTestPipelines.run(p);
  }

  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 4})
  void shouldCombinePerKeyAndGlobally(int parallelism) {
    Pipeline p = SluiceTestPipelines.create(parallelism);
    PCollection<KV<String, Integer>> events = events(p);

    PAssert.that(events.apply(Sum.integersPerKey())).containsInAnyOrder(KV.of("a", 65), KV.of("b", 17));
    PAssert.that(events.apply(Count.globally())).containsInAnyOrder(8L);
    PAssert.that(events.apply(Count.perKey())).containsInAnyOrder(KV.of("a", 6L), KV.of("b", 2L));
    SluiceTestPipelines.run(p);
  }

  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 4})
  void shouldCombineEmptyInputIntoTheDefaultValue(int parallelism) {
    Pipeline p = SluiceTestPipelines.create(parallelism);
    PCollection<Integer> none = p.apply(Create.empty(VarIntCoder.of()));

    PAssert.that(none.apply(Sum.integersGlobally())).containsInAnyOrder(0);
    PAssert.that(none.apply(Count.globally())).containsInAnyOrder(0L);
    SluiceTestPipelines.run(p);
  }

  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 4})
  void shouldCountDistinctAndTopElements(int parallelism) {
    Pipeline p = SluiceTestPipelines.create(parallelism);
    PCollection<String> words = p.apply(Create.of("x", "y", "x", "z", "x", "y", "w"));

    PAssert.that(words.apply(Count.perElement()))
        .containsInAnyOrder(KV.of("x", 3L), KV.of("y", 2L), KV.of("z", 1L), KV.of("w", 1L));
    PAssert.that(words.apply(Distinct.create())).containsInAnyOrder("x", "y", "z", "w");
    PAssert.that(p.apply("Numbers", Create.of(5, 1, 9, 3, 7, 2)).apply(Top.largest(3)))
        .containsInAnyOrder(List.of(List.of(9, 7, 5)));
    SluiceTestPipelines.run(p);
  }
}
