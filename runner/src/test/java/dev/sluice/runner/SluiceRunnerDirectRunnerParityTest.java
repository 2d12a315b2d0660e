package dev.sluice.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Distinct;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Sessions;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The same pipelines give the same output on Sluice (at several parallelisms) as on the DirectRunner. */
@Timeout(120)
class SluiceRunnerDirectRunnerParityTest {

  /** Output of each run, by run id; the collecting DoFn runs in this JVM on both runners. */
  private static final Map<String, Queue<String>> COLLECTED = new ConcurrentHashMap<>();

  /** DirectRunner output per pipeline name, computed once. */
  private static final Map<String, List<String>> EXPECTED = new ConcurrentHashMap<>();

  private static final Map<String, Function<Pipeline, PCollection<String>>> PIPELINES = Map.of(
      "word count", SluiceRunnerDirectRunnerParityTest::wordCount,
      "windowed sums", SluiceRunnerDirectRunnerParityTest::windowedSums,
      "session counts", SluiceRunnerDirectRunnerParityTest::sessionCounts,
      "side input join", SluiceRunnerDirectRunnerParityTest::sideInputJoin,
      "distinct top", SluiceRunnerDirectRunnerParityTest::distinctTop);

  static Stream<Arguments> pipelinesAndParallelism() {
    return PIPELINES.keySet().stream().sorted()
        .flatMap(name -> Stream.of(1, 2, 8).map(parallelism -> Arguments.of(name, parallelism)));
  }

  @ParameterizedTest(name = "{0} at parallelism {1}")
  @MethodSource("pipelinesAndParallelism")
  void shouldProduceWhatTheDirectRunnerProduces(String name, int parallelism) {
    List<String> expected = EXPECTED.computeIfAbsent(name, n -> {
      PipelineOptions options = PipelineOptionsFactory.create();
      options.setRunner(DirectRunner.class);
      return runAndCollect(Pipeline.create(options), PIPELINES.get(n));
    });

    List<String> actual = runAndCollect(SluiceTestPipelines.create(parallelism), PIPELINES.get(name));

    assertThat(expected).isNotEmpty();
    assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
  }

  private static List<String> runAndCollect(Pipeline p, Function<Pipeline, PCollection<String>> body) {
    String runId = UUID.randomUUID().toString();
    COLLECTED.put(runId, new ConcurrentLinkedQueue<>());
    body.apply(p).apply("Collect", ParDo.of(new CollectTo(runId)));
    p.run().waitUntilFinish();
    return new ArrayList<>(COLLECTED.remove(runId));
  }

  static final class CollectTo extends DoFn<String, Void> {
    private final String runId;

    CollectTo(String runId) {
      this.runId = runId;
    }

    @ProcessElement
    public void process(@Element String s) {
      COLLECTED.get(runId).add(s);
    }
  }

  // ---- the pipelines: deterministic generated input ----

  private static final String[] WORDS = "the quick brown fox jumps over the lazy dog and then some more words".split(" ");

  private static List<String> lines() {
    Random random = new Random(42);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      StringBuilder line = new StringBuilder();
      for (int w = random.nextInt(8); w >= 0; w--) {
        line.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
      }
      lines.add(line.toString().trim());
    }
    return lines;
  }

  private static List<TimestampedValue<KV<String, Integer>>> events() {
    Random random = new Random(7);
    List<TimestampedValue<KV<String, Integer>>> events = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      events.add(TimestampedValue.of(
          KV.of("k" + random.nextInt(13), random.nextInt(1000)), new Instant(random.nextInt(3_600_000))));
    }
    return events;
  }

  private static PCollection<String> wordCount(Pipeline p) {
    return p.apply(Create.of(lines()))
        .apply(FlatMapElements.into(TypeDescriptors.strings()).via(line -> Arrays.asList(line.split(" "))))
        .apply(Count.perElement())
        .apply(MapElements.into(TypeDescriptors.strings()).via(kv -> kv.getKey() + "=" + kv.getValue()));
  }

  private static PCollection<String> windowedSums(Pipeline p) {
    return p.apply(Create.timestamped(events()))
        .apply(Window.into(FixedWindows.of(Duration.standardMinutes(10))))
        .apply(Sum.integersPerKey())
        .apply(ParDo.of(new FormatWithWindow()));
  }

  private static PCollection<String> sessionCounts(Pipeline p) {
    return p.apply(Create.timestamped(events()))
        .apply(Window.into(Sessions.withGapDuration(Duration.standardSeconds(20))))
        .apply(GroupByKey.create())
        .apply(MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.integers()))
            .via(kv -> {
              int n = 0;
              for (Integer ignored : kv.getValue()) {
                n++;
              }
              return KV.of(kv.getKey(), n);
            }))
        .apply(ParDo.of(new FormatWithWindow()));
  }

  private static PCollection<String> sideInputJoin(Pipeline p) {
    PCollectionView<Map<String, Integer>> weights = p.apply("Weights",
            Create.of(KV.of("k1", 10), KV.of("k2", 20), KV.of("k3", 30)))
        .apply(View.asMap());
    return p.apply(Create.timestamped(events()))
        .apply("Join", ParDo.of(new DoFn<KV<String, Integer>, String>() {
          @ProcessElement
          public void process(ProcessContext c) {
            Integer weight = c.sideInput(weights).get(c.element().getKey());
            c.output(c.element().getKey() + ":" + c.element().getValue() * (weight == null ? 1 : weight));
          }
        }).withSideInputs(weights));
  }

  private static PCollection<String> distinctTop(Pipeline p) {
    return p.apply(Create.timestamped(events()))
        .apply(MapElements.into(TypeDescriptors.integers()).via(kv -> kv.getValue() % 97))
        .apply(Distinct.create())
        .apply(Top.largest(5))
        .apply(MapElements.into(TypeDescriptors.strings()).via(List::toString));
  }

  static final class FormatWithWindow extends DoFn<KV<String, Integer>, String> {
    @ProcessElement
    public void process(ProcessContext c, BoundedWindow window) {
      c.output(c.element().getKey() + "@" + window + "=" + c.element().getValue() + " pane " + c.pane().getTiming());
    }
  }
}
