package dev.sluice.engine.task;

import static dev.sluice.engine.task.TestOperators.sink;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.KeyGroupRange;
import dev.sluice.engine.graph.JobGraph;
import dev.sluice.engine.graph.JobGraphBuilder;
import dev.sluice.engine.graph.Partitioning;
import dev.sluice.engine.task.TestOperators.CollectSink;
import dev.sluice.engine.task.TestOperators.LongSerializer;
import dev.sluice.engine.task.TestOperators.Received;
import dev.sluice.engine.task.TestOperators.SequenceSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Records cross a network edge with each partitioning, at parallelism 1, 2 and 4. */
class ExchangeTest {

  private static final int MAX_PARALLELISM = 128;
  private static final long PER_SUBTASK = 3_000;

  /** Small buffers and pools so that buffers fill, recycle and backpressure during the test. */
  private final TestJobRunner runner = new TestJobRunner(1024, 4);

  @AfterEach
  void close() {
    runner.close();
  }

  static Stream<Arguments> parallelisms() {
    List<Arguments> args = new ArrayList<>();
    for (int p : new int[] {1, 2, 4}) {
      args.add(Arguments.of(p, p));
    }
    args.add(Arguments.of(2, 4));
    args.add(Arguments.of(4, 1));
    return args.stream();
  }

  @ParameterizedTest(name = "FORWARD p={0}")
  @MethodSource("parallelisms")
  void shouldForwardSubtaskIToSubtaskI(int p, int ignored) {
    String id = UUID.randomUUID().toString();
    List<Received> out = runTwoVertexJob(id, p, p, Partitioning.forward());
    assertThat(out).hasSize((int) (p * PER_SUBTASK));
    for (Received r : out) {
      assertThat((Long) r.value() / PER_SUBTASK).as("producer of %s", r.value()).isEqualTo(r.subtask());
    }
    assertInOrderPerProducer(out);
  }

  @ParameterizedTest(name = "HASH {0} -> {1}")
  @MethodSource("parallelisms")
  void shouldSendEqualKeysToTheSubtaskOwningTheirKeyGroup(int p, int q) {
    String id = UUID.randomUUID().toString();
    List<Received> out = runTwoVertexJob(id, p, q, Partitioning.hash(v -> (Long) v % 97));
    assertAllValues(out, p);
    for (Received r : out) {
      Long key = (Long) r.value() % 97;
      int keyGroup = KeyGroupRange.assignToKeyGroup(key.hashCode(), MAX_PARALLELISM);
      assertThat(r.subtask()).isEqualTo(KeyGroupRange.operatorIndexForKeyGroup(MAX_PARALLELISM, q, keyGroup));
      assertThat(KeyGroupRange.forSubtask(MAX_PARALLELISM, q, r.subtask()).contains(keyGroup)).isTrue();
    }
    assertInOrderPerProducer(out);
  }

  @ParameterizedTest(name = "BROADCAST {0} -> {1}")
  @MethodSource("parallelisms")
  void shouldBroadcastEveryRecordToEverySubtask(int p, int q) {
    String id = UUID.randomUUID().toString();
    List<Received> out = runTwoVertexJob(id, p, q, Partitioning.broadcast());
    Map<Integer, List<Received>> bySubtask = out.stream().collect(Collectors.groupingBy(Received::subtask));
    assertThat(bySubtask).hasSize(q);
    for (List<Received> rs : bySubtask.values()) {
      assertAllValues(rs, p);
    }
  }

  @ParameterizedTest(name = "REBALANCE {0} -> {1}")
  @MethodSource("parallelisms")
  void shouldSpreadRecordsRoundRobin(int p, int q) {
    String id = UUID.randomUUID().toString();
    List<Received> out = runTwoVertexJob(id, p, q, Partitioning.rebalance());
    assertAllValues(out, p);
    Map<Integer, Long> counts = out.stream().collect(Collectors.groupingBy(Received::subtask, Collectors.counting()));
    assertThat(counts).hasSize(q);
    long expected = p * PER_SUBTASK / q;
    // Each producer deals round robin, so a consumer gets at most one extra record per producer.
    assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(expected - p, expected + p));
  }

  private List<Received> runTwoVertexJob(String id, int p, int q, Partitioning partitioning) {
    JobGraphBuilder b = new JobGraphBuilder("exchange-" + partitioning.getClass().getSimpleName(), MAX_PARALLELISM);
    int src = b.addOperator("Source", () -> new SequenceSource(id, PER_SUBTASK), p, 0, 1);
    int snk = b.addOperator("Sink", () -> new CollectSink(id), q, 1, 0);
    b.disableChaining(snk);
    b.connect(src, 0, snk, 0, partitioning, new LongSerializer(id));
    JobGraph g = b.build();
    assertThat(g.vertices()).hasSize(2);
    runner.run(g);
    return new ArrayList<>(sink(id));
  }

  private static void assertAllValues(List<Received> out, int producers) {
    assertThat(out.stream().map(r -> (Long) r.value()).sorted().toList())
        .isEqualTo(LongStream.range(0, producers * PER_SUBTASK).boxed().toList());
  }

  /** A channel preserves order: per (consumer, producer), values arrive ascending. */
  private static void assertInOrderPerProducer(List<Received> out) {
    Map<String, List<Long>> perChannel = out.stream().collect(Collectors.groupingBy(
        r -> r.subtask() + "<-" + ((Long) r.value() / PER_SUBTASK), Collectors.mapping(r -> (Long) r.value(), Collectors.toList())));
    for (List<Long> values : perChannel.values()) {
      assertThat(values).isSorted();
    }
  }
}
