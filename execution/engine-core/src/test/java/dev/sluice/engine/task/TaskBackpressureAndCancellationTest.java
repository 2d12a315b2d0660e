package dev.sluice.engine.task;

import static dev.sluice.engine.task.TestOperators.counter;
import static dev.sluice.engine.task.TestOperators.sink;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.AbstractOperator;
import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.graph.JobConfig;
import dev.sluice.engine.graph.JobGraphBuilder;
import dev.sluice.engine.graph.Partitioning;
import dev.sluice.engine.task.TestOperators.CollectSink;
import dev.sluice.engine.task.TestOperators.LongSerializer;
import dev.sluice.engine.task.TestOperators.Received;
import dev.sluice.engine.task.TestOperators.SequenceSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Backpressure, input selection, buffer timeout, timers, cancellation and thread cleanup. */
class TaskBackpressureAndCancellationTest {

  private static final int BUFFERS_PER_PARTITION = 4;
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private final TestJobRunner runner = new TestJobRunner(256, BUFFERS_PER_PARTITION);
  private final String id = UUID.randomUUID().toString();

  @AfterEach
  void close() {
    GATES.values().forEach(CountDownLatch::countDown);
    runner.close();
  }

  static final Map<String, CountDownLatch> GATES = new ConcurrentHashMap<>();

  /** Blocks on its gate after the first record until the test opens it. */
  static final class GatedSink extends CollectSink {
    GatedSink(String id) {
      super(id);
    }

    @Override
    public void processElement(int input, Object value, long timestamp) throws Exception {
      super.processElement(input, value, timestamp);
      GATES.get(id).await();
    }
  }

  private TestJobRunner.RunningJob submitSlowConsumerJob(long records) {
    GATES.put(id, new CountDownLatch(1));
    JobGraphBuilder b = new JobGraphBuilder("backpressure", 8);
    int src = b.addOperator("Source-" + id, () -> new SequenceSource(id, records), 1, 0, 1);
    int snk = b.addOperator("Sink-" + id, () -> new GatedSink(id), 1, 1, 0);
    b.disableChaining(snk);
    b.connect(src, 0, snk, 0, Partitioning.forward(), new LongSerializer(id));
    return runner.submit(b.build());
  }

  @Test
  void shouldBlockTheProducerWhileTheConsumerIsSlowWithBoundedBuffers() {
    long records = 50_000;
    TestJobRunner.RunningJob job = submitSlowConsumerJob(records);
    Await.until("producer blocked on a full pool", DEADLINE, () -> runner.shuffle.metrics().blockedRequesters() == 1);

    long emitted = counter(id + "/emitted").get();
    // 4 buffers of 256 B hold ~48 records of 21 B; the consumer holds one record.
    assertThat(emitted).isLessThan(200);
    assertThat(runner.shuffle.metrics().peakBuffersInUsePerPartition()).isLessThanOrEqualTo(BUFFERS_PER_PARTITION);
    assertThat(job.task(0, 0).state()).isEqualTo(ExecutionState.RUNNING);

    GATES.get(id).countDown();
    job.awaitTermination(DEADLINE);
    assertThat(job.states().values()).allMatch(s -> s == ExecutionState.FINISHED);
    assertThat(sink(id)).hasSize((int) records);
    assertThat(runner.shuffle.metrics().peakBuffersInUsePerPartition()).isLessThanOrEqualTo(BUFFERS_PER_PARTITION);
    assertThat(runner.shuffle.metrics().buffersInUse()).isZero();
  }

  @Test
  void shouldCancelAProducerBlockedOnBackpressure() {
    TestJobRunner.RunningJob job = submitSlowConsumerJob(Long.MAX_VALUE);
    Await.until("producer blocked on a full pool", DEADLINE, () -> runner.shuffle.metrics().blockedRequesters() == 1);
    Task producer = job.task(0, 0);

    producer.cancel();
    job.awaitTasks(Duration.ofSeconds(1), List.of(producer));

    assertThat(job.transitionsOf(producer)).containsExactly(
        ExecutionState.DEPLOYING, ExecutionState.RUNNING, ExecutionState.CANCELING, ExecutionState.CANCELED);
    assertThat(runner.shuffle.metrics().blockedRequesters()).isZero();
    GATES.get(id).countDown();
    job.cancel();
    job.awaitTermination(DEADLINE);
  }

  @Test
  void shouldInterruptUserCodeBlockedInAnOperatorWhenCanceled() {
    TestJobRunner.RunningJob job = submitSlowConsumerJob(Long.MAX_VALUE);
    // A blocked producer means the consumer sits in its operator, waiting on the gate.
    Await.until("consumer blocked in its operator", DEADLINE, () -> runner.shuffle.metrics().blockedRequesters() == 1);
    Task consumer = job.task(1, 0);

    // The sink waits on a latch nobody opens: only an interrupt gets it out.
    consumer.cancel();
    job.awaitTasks(Duration.ofSeconds(5), List.of(consumer));

    assertThat(consumer.state()).isEqualTo(ExecutionState.CANCELED);
    job.cancel();
    job.awaitTermination(DEADLINE);
  }

  /** Emits {@code n} records, then has nothing more, forever. */
  static final class NeverEndingSource extends TestOperators.NeverEndingSourceBase {
    private final int n;
    private int emitted;

    NeverEndingSource(int n) {
      this.n = n;
    }

    @Override
    public void open(OperatorContext context, Output output) {}

    @Override
    public Status emitNext(Output output) {
      if (emitted < n) {
        output.emit(0, (long) emitted++, 0);
        return Status.MORE_AVAILABLE;
      }
      return Status.NOTHING_AVAILABLE;
    }
  }

  static final Map<String, Set<String>> THREADS = new ConcurrentHashMap<>();

  /** Collects, and records the threads its timer and mailbox callbacks run on. */
  static final class TimerSink extends CollectSink {
    TimerSink(String id) {
      super(id);
    }

    @Override
    public void open(OperatorContext context, Output output) throws Exception {
      super.open(context, output);
      Set<String> threads = THREADS.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet());
      long now = context.processingTimeService().currentTime();
      context.processingTimeService().registerTimer(now + 5, t -> threads.add("timer:" + Thread.currentThread().getName()));
      context.processingTimeService().registerTimer(now + 60_000, t -> threads.add("late timer fired"));
      Thread helper = new Thread(() -> context.mailbox().execute(() -> threads.add("mail:" + Thread.currentThread().getName())));
      helper.start();
      helper.join();
    }
  }

  @Test
  void shouldFlushAPartlyFilledBufferWithinTheBufferTimeoutAndCancelAParkedSource() {
    JobGraphBuilder b = new JobGraphBuilder("timeout", 8);
    b.setConfig(JobConfig.BUFFER_TIMEOUT_MS, "20");
    int src = b.addOperator("Endless-" + id, () -> new NeverEndingSource(5), 1, 0, 1);
    int snk = b.addOperator("Sink-" + id, () -> new TimerSink(id), 1, 1, 0);
    b.connect(src, 0, snk, 0, Partitioning.rebalance(), new LongSerializer(id));
    TestJobRunner.RunningJob job = runner.submit(b.build());

    // 5 records of 21 B never fill a 256 B buffer: only the timeout flush delivers them.
    Await.until("records flushed by the buffer timeout", DEADLINE, () -> sink(id).size() == 5);
    assertThat(sink(id).stream().map(Received::value).toList()).containsExactly(0L, 1L, 2L, 3L, 4L);
    String sinkThread = "Sink-" + id + " (1/1)#0";
    Await.until("timer and mail ran", DEADLINE, () -> THREADS.get(id).size() == 2);
    assertThat(THREADS.get(id)).containsExactlyInAnyOrder("timer:" + sinkThread, "mail:" + sinkThread);

    Task source = job.task(0, 0);
    assertThat(source.state()).isEqualTo(ExecutionState.RUNNING);
    source.cancel();
    job.awaitTasks(Duration.ofSeconds(1), List.of(source));
    assertThat(source.state()).isEqualTo(ExecutionState.CANCELED);
    job.cancel();
    job.awaitTermination(DEADLINE);
    assertThat(THREADS.get(id)).doesNotContain("late timer fired");
  }

  /** Reads input 1 (side) to its end before input 0 (main). */
  static final class SideInputFirst extends CollectSink {
    private boolean sideEnded;

    SideInputFirst(String id) {
      super(id, 2);
    }

    @Override
    public int[] selectedInputs() {
      return sideEnded ? null : new int[] {1};
    }

    @Override
    public void endInput(int input) {
      super.endInput(input);
      if (input == 1) {
        sideEnded = true;
      }
    }
  }

  @Test
  void shouldReadTheSelectedSideInputToItsEndBeforeTheMainInput() {
    JobGraphBuilder b = new JobGraphBuilder("side-input", 8);
    int main = b.addOperator("Main", () -> new SequenceSource(id + "m", 5_000), 2, 0, 1);
    int side = b.addOperator("Side", () -> new SequenceSource(id + "s", 1_000, v -> -v - 1), 2, 0, 1);
    int op = b.addOperator("Join", () -> new SideInputFirst(id), 2, 2, 0);
    b.connect(main, 0, op, 0, Partitioning.rebalance(), new LongSerializer(id));
    b.connect(side, 0, op, 1, Partitioning.broadcast(), new LongSerializer(id));
    runner.run(b.build());

    Map<Integer, List<Received>> bySubtask = sink(id).stream().collect(Collectors.groupingBy(Received::subtask));
    for (List<Received> rs : bySubtask.values()) {
      List<Integer> inputs = rs.stream().map(Received::input).toList();
      int firstMain = inputs.indexOf(0);
      assertThat(firstMain).as("all 2000 side records first").isEqualTo(2000);
      assertThat(inputs.subList(0, firstMain)).allMatch(i -> i == 1);
      assertThat(inputs.subList(firstMain, inputs.size())).allMatch(i -> i == 0);
    }
    assertThat(sink(id)).hasSize(2 * 2000 + 10_000);
  }

  @Test
  void shouldLeaveNoThreadAfterTheEnvironmentIsClosed() {
    runner.run(simpleJob("Done-" + id, 100));
    JobGraphBuilder b = new JobGraphBuilder("endless", 8);
    int src = b.addOperator("Endless-" + id, () -> new NeverEndingSource(3), 2, 0, 1);
    int snk = b.addOperator("Sink-" + id, () -> new CollectSink(id), 2, 1, 0);
    b.connect(src, 0, snk, 0, Partitioning.rebalance(), new LongSerializer(id));
    TestJobRunner.RunningJob running = runner.submit(b.build());
    Await.until("endless job running", DEADLINE,
        () -> running.states().values().stream().allMatch(s -> s == ExecutionState.RUNNING));
    String timerThread = runner.environment.timerThread().threadName();

    runner.environment.close();

    // A consumer may see its producer's released partition before its own cancel: then it fails
    // with PartitionReleasedException, which is fine while shutting down.
    assertThat(running.states().values()).allMatch(s -> s == ExecutionState.CANCELED || s == ExecutionState.FAILED);
    assertThat(running.failures().values()).allSatisfy(
        f -> assertThat(f.getCause()).isInstanceOf(dev.sluice.engine.network.PartitionReleasedException.class));
    assertThat(running.states().get(running.task(0, 0).attemptId())).isEqualTo(ExecutionState.CANCELED);
    List<String> alive = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && (t.getName().contains(id) || t.getName().equals(timerThread))) {
        alive.add(t.getName());
      }
    }
    assertThat(alive).isEmpty();
  }

  private dev.sluice.engine.graph.JobGraph simpleJob(String name, long records) {
    JobGraphBuilder b = new JobGraphBuilder(name, 8);
    int src = b.addOperator("Source-" + name, () -> new SequenceSource(id, records), 2, 0, 1);
    int snk = b.addOperator("Sink-" + name, () -> new CollectSink(id), 2, 1, 0);
    b.connect(src, 0, snk, 0, Partitioning.rebalance(), new LongSerializer(id));
    return b.build();
  }
}
