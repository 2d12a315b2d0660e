package dev.sluice.engine.cluster.minicluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.AbstractOperator;
import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.SourceOperator;
import dev.sluice.engine.api.Watermarks;
import dev.sluice.engine.cluster.client.JobClient;
import dev.sluice.engine.cluster.client.JobResult;
import dev.sluice.engine.cluster.client.JobStatus;
import dev.sluice.engine.cluster.testutil.Await;
import dev.sluice.engine.cluster.testutil.LongSum;
import dev.sluice.engine.graph.JobGraph;
import dev.sluice.engine.graph.JobGraphBuilder;
import dev.sluice.engine.graph.Partitioning;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Draining a streaming job: never-ending sources end, downstream finishes, the job is FINISHED. */
class MiniClusterDrainTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  /** Highest watermark each test's sink saw, and whether its operators saw drain(). */
  private static final Map<String, Long> SINK_WATERMARKS = new ConcurrentHashMap<>();
  private static final Map<String, Integer> DRAIN_CALLS = new ConcurrentHashMap<>();

  private static long sum(Map<String, Accumulator<?>> accumulators, String name) {
    Accumulator<?> a = accumulators.get(name);
    return a == null ? 0 : ((LongSum) a).get();
  }

  @Test
  void drainedEndlessJobFinishesWithoutLosingWhatWasRead() throws Exception {
    String testId = "drain-endless";
    try (MiniCluster cluster = new MiniCluster(MiniClusterConfiguration.forParallelism(2))) {
      cluster.start();
      JobClient client = cluster.submitJob(TestPipelines.sumByKey(testId, 2, -1, 5, -1));
      Await.until(() -> sum(client.accumulators(), "summed") > 1_000, TIMEOUT, "sums received 1000 records");
      client.drain();
      JobResult result = client.resultFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertThat(result.failureCause()).isNull();
      assertThat(result.status()).isEqualTo(JobStatus.FINISHED);
      long emitted = sum(result.accumulators(), "emitted");
      assertThat(emitted).isGreaterThan(1_000);
      // Everything the sources read reached the sums, and the sums were flushed at finish.
      assertThat(sum(result.accumulators(), "summed")).isEqualTo(emitted);
      long total = TestPipelines.RESULTS.get(testId).values().stream().mapToLong(Long::longValue).sum();
      assertThat(total).isGreaterThan(0);
    }
  }

  @Test
  void drainEndsIdleSourcesAndAdvancesTheWatermarkToInfinity() throws Exception {
    String testId = "drain-idle";
    try (MiniCluster cluster = new MiniCluster(MiniClusterConfiguration.forParallelism(2))) {
      cluster.start();
      JobClient client = cluster.submitJob(idleSourceToSink(testId));
      Await.until(() -> client.status() == JobStatus.RUNNING
          && sum(client.accumulators(), "opened") == 4, TIMEOUT, "all tasks run");
      client.drain();
      client.drain(); // twice: no-op
      JobResult result = client.resultFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertThat(result.status()).isEqualTo(JobStatus.FINISHED);
      assertThat(SINK_WATERMARKS.get(testId)).isEqualTo(Watermarks.MAX);
      // drain() reached every operator once: two sources and two sinks.
      assertThat(DRAIN_CALLS.get(testId)).isEqualTo(4);
      client.drain(); // after the end: ignored
      assertThat(client.resultFuture().join().status()).isEqualTo(JobStatus.FINISHED);
    }
  }

  private static JobGraph idleSourceToSink(String testId) {
    SINK_WATERMARKS.remove(testId);
    DRAIN_CALLS.remove(testId);
    JobGraphBuilder b = new JobGraphBuilder("idle " + testId, 128);
    int source = b.addOperator("idle source", () -> new IdleSource(testId), 2, 0, 1);
    int sink = b.addOperator("watermark sink", () -> new WatermarkSink(testId), 2, 1, 0);
    b.connect(source, 0, sink, 0, Partitioning.rebalance(), new TestPipelines.LongSerializer());
    return b.build();
  }

  /** Has nothing, ever: its availability future never completes. */
  private static final class IdleSource implements SourceOperator {
    private final String testId;
    private final CompletableFuture<?> never = new CompletableFuture<>();

    IdleSource(String testId) {
      this.testId = testId;
    }

    @Override
    public void open(OperatorContext context, Output output) {
      context.accumulator("opened", LongSum::new).add(1);
    }

    @Override
    public Status emitNext(Output output) {
      return Status.NOTHING_AVAILABLE;
    }

    @Override
    public CompletableFuture<?> available() {
      return never;
    }

    @Override
    public void drain() {
      DRAIN_CALLS.merge(testId, 1, Integer::sum);
    }

    @Override
    public void finish() {}

    @Override
    public void close() {}
  }

  private static final class WatermarkSink extends AbstractOperator {
    private final String testId;

    WatermarkSink(String testId) {
      this.testId = testId;
    }

    @Override
    public void open(OperatorContext context, Output output) throws Exception {
      super.open(context, output);
      context.accumulator("opened", LongSum::new).add(1);
    }

    @Override
    public void processElement(int input, Object value, long timestamp) {}

    @Override
    protected void onWatermark(long watermark) {
      SINK_WATERMARKS.merge(testId, watermark, Math::max);
    }

    @Override
    public void drain() {
      DRAIN_CALLS.merge(testId, 1, Integer::sum);
    }
  }
}
