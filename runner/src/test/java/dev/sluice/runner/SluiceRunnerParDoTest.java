package dev.sluice.runner;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Element-wise transforms, side inputs, Flatten and Reshuffle on TestSluiceRunner. */
@Timeout(120)
class SluiceRunnerParDoTest implements Serializable { // anonymous DoFns below capture the test instance

  private static final List<Integer> ONE_TO_TWENTY =
      List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20);

  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 4})
  void shouldApplyParDoToEveryElement(int parallelism) {
    Pipeline p = SluiceTestPipelines.create(parallelism);
    PCollection<String> out = p.apply(Create.of(ONE_TO_TWENTY))
        .apply("Square", ParDo.of(new DoFn<Integer, String>() {
          @ProcessElement
          public void process(@Element Integer x, OutputReceiver<String> o) {
            o.output(Integer.toString(x * x));
          }
        }));

    PAssert.that(out).containsInAnyOrder(ONE_TO_TWENTY.stream().map(x -> Integer.toString(x * x)).toList());
    SluiceTestPipelines.run(p);
  }

  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 4})
  void shouldRouteMultipleOutputsByTag(int parallelism) {
    TupleTag<Integer> evens = new TupleTag<>() {};
    TupleTag<String> odds = new TupleTag<>() {};
    Pipeline p = SluiceTestPipelines.create(parallelism);
    PCollectionTuple out = p.apply(Create.of(ONE_TO_TWENTY))
        .apply("Split", ParDo.of(new DoFn<Integer, Integer>() {
          @ProcessElement
          public void process(@Element Integer x, MultiOutputReceiver o) {
            if (x % 2 == 0) {
              o.get(evens).output(x);
            } else {
              o.get(odds).output("odd-" + x);
            }
          }
        }).withOutputTags(evens, TupleTagList.of(odds)));

    PAssert.that(out.get(evens)).containsInAnyOrder(2, 4, 6, 8, 10, 12, 14, 16, 18, 20);
    PAssert.that(out.get(odds)).containsInAnyOrder(
        "odd-1", "odd-3", "odd-5", "odd-7", "odd-9", "odd-11", "odd-13", "odd-15", "odd-17", "odd-19");
    SluiceTestPipelines.run(p);
  }

  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 4})
  void shouldReadSingletonIterableAndListSideInputs(int parallelism) {
    Pipeline p = SluiceTestPipelines.create(parallelism);
    PCollectionView<Integer> offset = p.apply("Offset", Create.of(100)).apply(View.asSingleton());
    PCollectionView<Iterable<Integer>> bag = p.apply("Bag", Create.of(1, 2, 3)).apply(View.asIterable());
    PCollectionView<List<Integer>> list = p.apply("List", Create.of(10, 20)).apply(View.asList());

    PCollection<Integer> out = p.apply(Create.of(1, 2, 3, 4))
        .apply("UseSideInputs", ParDo.of(new DoFn<Integer, Integer>() {
          @ProcessElement
          public void process(ProcessContext c) {
            int bagSum = 0;
            for (int x : c.sideInput(bag)) {
              bagSum += x;
            }
            int listSum = c.sideInput(list).stream().mapToInt(Integer::intValue).sum();
            c.output(c.element() + c.sideInput(offset) + bagSum + listSum);
          }
        }).withSideInputs(offset, bag, list));

    PAssert.that(out).containsInAnyOrder(137, 138, 139, 140);
    SluiceTestPipelines.run(p);
  }

  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 4})
  void shouldReadMapAndMultimapSideInputs(int parallelism) {
    Pipeline p = SluiceTestPipelines.create(parallelism);
    PCollectionView<Map<String, Integer>> prices =
        p.apply("Prices", Create.of(KV.of("apple", 3), KV.of("pear", 5))).apply(View.asMap());
    PCollectionView<Map<String, Iterable<String>>> colours = p.apply("Colours",
            Create.of(KV.of("apple", "red"), KV.of("apple", "green"), KV.of("pear", "yellow")))
        .apply(View.asMultimap());

    PCollection<String> out = p.apply(Create.of("apple", "pear", "plum"))
        .apply("Join", ParDo.of(new DoFn<String, String>() {
          @ProcessElement
          public void process(ProcessContext c) {
            Integer price = c.sideInput(prices).get(c.element());
            Iterable<String> cs = c.sideInput(colours).get(c.element());
            List<String> sorted = cs == null ? List.of() : sortedCopy(cs);
            c.output(c.element() + ":" + price + ":" + sorted);
          }
        }).withSideInputs(prices, colours));

    PAssert.that(out).containsInAnyOrder("apple:3:[green, red]", "pear:5:[yellow]", "plum:null:[]");
    SluiceTestPipelines.run(p);
  }

  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 4})
  void shouldFlattenSeveralInputs(int parallelism) {
    Pipeline p = SluiceTestPipelines.create(parallelism);
    PCollection<String> a = p.apply("A", Create.of("a1", "a2"));
    PCollection<String> b = p.apply("B", Create.of("b1"));
    PCollection<String> c = p.apply("C", Create.empty(StringUtf8Coder.of()));

    PCollection<String> all = PCollectionList.of(a).and(b).and(c).and(a).apply(Flatten.pCollections());

    PAssert.that(all).containsInAnyOrder("a1", "a2", "b1", "a1", "a2");
    SluiceTestPipelines.run(p);
  }

  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 4})
  void shouldFlattenNoInputsIntoAnEmptyCollection(int parallelism) {
    Pipeline p = SluiceTestPipelines.create(parallelism);

    PCollection<String> none = PCollectionList.<String>empty(p).apply(Flatten.pCollections())
        .setCoder(StringUtf8Coder.of());

    PAssert.that(none).empty();
    SluiceTestPipelines.run(p);
  }

  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 4})
  void shouldKeepEveryElementThroughReshuffle(int parallelism) {
    Pipeline p = SluiceTestPipelines.create(parallelism);
    PCollection<Integer> viaRandomKey = p.apply("Numbers", Create.of(ONE_TO_TWENTY))
        .apply(Reshuffle.viaRandomKey());
    PCollection<KV<String, Integer>> byKey = p.apply("Pairs", Create.of(KV.of("a", 1), KV.of("b", 2), KV.of("a", 3)))
        .apply(Reshuffle.of());
    PCollection<String> described = byKey.apply(MapElements.into(TypeDescriptors.strings())
        .via(kv -> kv.getKey() + kv.getValue()));

    PAssert.that(viaRandomKey).containsInAnyOrder(ONE_TO_TWENTY);
    PAssert.that(described).containsInAnyOrder("a1", "b2", "a3");
    SluiceTestPipelines.run(p);
  }

  private static List<String> sortedCopy(Iterable<String> values) {
    List<String> out = new java.util.ArrayList<>();
    values.forEach(out::add);
    out.sort(null);
    return out;
  }
}
