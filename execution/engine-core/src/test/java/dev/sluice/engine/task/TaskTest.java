package dev.sluice.engine.task;

import static dev.sluice.engine.task.TestOperators.counter;
import static dev.sluice.engine.task.TestOperators.events;
import static dev.sluice.engine.task.TestOperators.sink;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.AbstractOperator;
import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.api.KeyGroupRange;
import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.SourceOperator;
import dev.sluice.engine.api.Watermarks;
import dev.sluice.engine.graph.JobConfig;
import dev.sluice.engine.graph.JobGraph;
import dev.sluice.engine.graph.JobGraphBuilder;
import dev.sluice.engine.graph.Partitioning;
import dev.sluice.engine.task.TestOperators.BytesSerializer;
import dev.sluice.engine.task.TestOperators.CollectSink;
import dev.sluice.engine.task.TestOperators.FailingSerializer;
import dev.sluice.engine.task.TestOperators.LongSerializer;
import dev.sluice.engine.task.TestOperators.MapOperator;
import dev.sluice.engine.task.TestOperators.Received;
import dev.sluice.engine.task.TestOperators.SequenceSource;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One or two tasks run end to end: chaining, lifecycle order, failure, operator context. */
class TaskTest {

  private final TestJobRunner runner = new TestJobRunner(256, 4);
  private final String id = UUID.randomUUID().toString();

  @AfterEach
  void close() {
    runner.close();
  }

  /** Objects emitted by {@link BoxSource}, per test id, to check identity downstream. */
  static final Map<String, List<Object>> EMITTED = new ConcurrentHashMap<>();

  static final class BoxSource implements SourceOperator {
    private final String id;
    private int next;

    BoxSource(String id) {
      this.id = id;
    }

    @Override
    public void open(OperatorContext context, Output output) {}

    @Override
    public Status emitNext(Output output) {
      Object box = new int[] {next++};
      EMITTED.computeIfAbsent(id, k -> new ArrayList<>()).add(box);
      output.emit(0, box, next);
      return next < 100 ? Status.MORE_AVAILABLE : Status.END_OF_INPUT;
    }

    @Override
    public void finish() {}

    @Override
    public void close() {}
  }

  @Test
  void shouldPassObjectsByReferenceBetweenChainedOperatorsWithoutSerializing() {
    JobGraphBuilder b = new JobGraphBuilder("chaining", 8);
    int src = b.addOperator("Source", () -> new BoxSource(id), 1, 0, 1);
    int map = b.addOperator("Identity", () -> new MapOperator(v -> v), 1, 1, 1);
    int snk = b.addOperator("Sink", () -> new CollectSink(id), 1, 1, 0);
    b.connect(src, 0, map, 0, Partitioning.forward(), new FailingSerializer(id));
    b.connect(map, 0, snk, 0, Partitioning.forward(), new FailingSerializer(id));
    JobGraph g = b.build();
    assertThat(g.vertices()).hasSize(1);
    assertThat(g.edges()).isEmpty();

    runner.run(g);

    List<Object> emitted = EMITTED.get(id);
    List<Received> received = new ArrayList<>(sink(id));
    assertThat(received).hasSize(100);
    for (int i = 0; i < 100; i++) {
      assertThat(received.get(i).value()).isSameAs(emitted.get(i));
    }
    assertThat(counter(id + "/serialize").get()).isZero();
    assertThat(counter(id + "/deserialize").get()).isZero();
  }

  /** Records every call, into one list shared by all operators of the test. */
  static final class Recorder extends AbstractOperator {
    private final String id;
    private final String name;

    Recorder(String id, String name) {
      this.id = id;
      this.name = name;
    }

    private void log(String event) {
      events(id).add(name + ":" + event);
    }

    @Override
    public void open(OperatorContext context, Output output) throws Exception {
      super.open(context, output);
      log("open");
    }

    @Override
    public void processElement(int input, Object value, long timestamp) {
      output.emit(0, value, timestamp);
    }

    @Override
    public void processWatermark(int input, long watermark) throws Exception {
      log("wm:" + (watermark == Watermarks.MAX ? "MAX" : watermark));
      super.processWatermark(input, watermark);
    }

    @Override
    public void endInput(int input) {
      log("endInput:" + input);
    }

    @Override
    public void finish() {
      log("finish");
    }

    @Override
    public void close() {
      log("close");
    }
  }

  @Test
  void shouldEndWithMaxWatermarkThenEndInputThenFinishInChainOrder() {
    JobGraphBuilder b = new JobGraphBuilder("lifecycle", 8);
    int src = b.addOperator("Source", () -> new SequenceSource(id, 10), 1, 0, 1);
    int m1 = b.addOperator("A", () -> new Recorder(id, "A"), 1, 1, 1);
    int m2 = b.addOperator("B", () -> new Recorder(id, "B"), 1, 1, 1);
    int snk = b.addOperator("C", () -> new Recorder(id, "C"), 1, 1, 1);
    b.disableChaining(snk);
    b.connect(src, 0, m1, 0, Partitioning.forward(), new LongSerializer(id));
    b.connect(m1, 0, m2, 0, Partitioning.forward(), new LongSerializer(id));
    b.connect(m2, 0, snk, 0, Partitioning.rebalance(), new LongSerializer(id));
    runner.run(b.build());

    List<String> all = new ArrayList<>(events(id));
    List<String> chained = all.stream().filter(e -> !e.startsWith("C:")).toList();
    assertThat(chained).containsExactly(
        "B:open", "A:open", // tail first
        "A:wm:MAX", "B:wm:MAX",
        "A:endInput:0", "A:finish", "B:endInput:0", "B:finish",
        "A:close", "B:close");
    assertThat(all.stream().filter(e -> e.startsWith("C:")).toList())
        .containsExactly("C:open", "C:wm:MAX", "C:endInput:0", "C:finish", "C:close");
    assertThat(events(id + "/0")).containsExactly("finish", "close");
  }

  /**
   * Emits three more values from processing-time timers after its input ended, 5 ms apart, and
   * reports that work as pending until the last one fired.
   */
  static final class EmitsAfterEndOfInput extends AbstractOperator {
    private final String id;
    private java.util.concurrent.CompletableFuture<Void> done;
    private int left = 3;

    EmitsAfterEndOfInput(String id) {
      this.id = id;
    }

    @Override
    public void processElement(int input, Object value, long timestamp) {
      output.emit(0, value, timestamp);
    }

    @Override
    public java.util.concurrent.CompletableFuture<?> workAfterEndOfInput() {
      events(id).add("A:workAfterEndOfInput");
      done = new java.util.concurrent.CompletableFuture<>();
      schedule();
      return done;
    }

    private void schedule() {
      context.processingTimeService().registerTimer(context.processingTimeService().currentTime() + 5, time -> {
        events(id).add("A:timer");
        output.emit(0, 1000L + left, 0);
        if (--left == 0) {
          done.complete(null);
        } else {
          schedule();
        }
      });
    }

    @Override
    public void finish() {
      events(id).add("A:finish");
    }
  }

  @Test
  void shouldFinishAnOperatorAndTheRestOfItsChainOnlyOnceItsWorkAfterEndOfInputIsDone() {
    JobGraphBuilder b = new JobGraphBuilder("work-after-end", 8);
    int src = b.addOperator("Source", () -> new SequenceSource(id, 10), 1, 0, 1);
    int a = b.addOperator("A", () -> new EmitsAfterEndOfInput(id), 1, 1, 1);
    int rec = b.addOperator("B", () -> new Recorder(id, "B"), 1, 1, 1);
    int snk = b.addOperator("Sink", () -> new CollectSink(id), 1, 1, 0);
    b.connect(src, 0, a, 0, Partitioning.forward(), new LongSerializer(id));
    b.connect(a, 0, rec, 0, Partitioning.forward(), new LongSerializer(id));
    b.connect(rec, 0, snk, 0, Partitioning.rebalance(), new LongSerializer(id));
    runner.run(b.build());

    assertThat(sink(id).stream().map(r -> (Long) r.value()).toList())
        .containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 1003L, 1002L, 1001L);
    assertThat(events(id).stream().filter(e -> !e.endsWith("open") && !e.startsWith("B:wm") && !e.endsWith("close")).toList())
        .containsExactly("A:workAfterEndOfInput", "A:timer", "A:timer", "A:timer", "A:finish", "B:endInput:0", "B:finish");
  }

  @Test
  void shouldMergeSeveralEdgesIntoOneInput() {
    JobGraphBuilder b = new JobGraphBuilder("union", 16);
    int s1 = b.addOperator("S1", () -> new SequenceSource(id + "a", 500), 2, 0, 1);
    int s2 = b.addOperator("S2", () -> new SequenceSource(id + "b", 300, v -> 10_000 + v), 1, 0, 1);
    int snk = b.addOperator("Sink", () -> new CollectSink(id), 3, 1, 0);
    b.connect(s1, 0, snk, 0, Partitioning.rebalance(), new LongSerializer(id));
    b.connect(s2, 0, snk, 0, Partitioning.hash(v -> v), new LongSerializer(id));
    b.connect(s2, 0, snk, 0, Partitioning.broadcast(), new LongSerializer(id));
    runner.run(b.build());

    List<Long> expected = new ArrayList<>(LongStream.range(0, 1000).boxed().toList());
    for (int copies = 0; copies < 1 + 3; copies++) { // hash once, broadcast to 3 subtasks
      expected.addAll(LongStream.range(10_000, 10_300).boxed().toList());
    }
    assertThat(sink(id).stream().map(r -> (Long) r.value()).toList()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(sink(id)).allMatch(r -> r.input() == 0);
    for (int s = 0; s < 3; s++) {
      assertThat(events(id + "/" + s)).as("one end per input, after all 4 channels ended")
          .containsExactly("wm:0:" + Watermarks.MAX, "end:0", "finish", "close");
    }
  }

  @Test
  void shouldCarryValuesLargerThanABufferBetweenTasks() {
    JobGraphBuilder b = new JobGraphBuilder("big-values", 8);
    int src = b.addOperator("Source", () -> new SequenceSource(id, 200, v -> bigValue(v)), 2, 0, 1);
    int snk = b.addOperator("Sink", () -> new CollectSink(id), 2, 1, 0);
    b.connect(src, 0, snk, 0, Partitioning.rebalance(), new BytesSerializer());
    runner.run(b.build());

    List<Received> received = new ArrayList<>(sink(id));
    assertThat(received).hasSize(400);
    for (Received r : received) {
      byte[] v = (byte[]) r.value();
      long n = ((v[0] & 0xFFL) << 8) | (v[1] & 0xFF);
      assertThat(v).isEqualTo(bigValue(n));
    }
  }

  /** 0 to ~3 KB (buffers are 256 B): most values span several buffers. */
  private static byte[] bigValue(long n) {
    byte[] v = new byte[2 + (int) (n * 37 % 3000)];
    Arrays.fill(v, (byte) n);
    v[0] = (byte) (n >>> 8);
    v[1] = (byte) n;
    return v;
  }

  static final Map<String, Exception> THROWN = new ConcurrentHashMap<>();

  static final class FailingMap extends AbstractOperator {
    private final String id;
    private final boolean checked;

    FailingMap(String id, boolean checked) {
      this.id = id;
      this.checked = checked;
    }

    @Override
    public void processElement(int input, Object value, long timestamp) throws Exception {
      if ((Long) value == 42) {
        Exception e = checked ? new IOException("disk full at 42") : new IllegalStateException("boom at 42");
        THROWN.put(id, e);
        throw e;
      }
      output.emit(0, value, timestamp);
    }

    @Override
    public void close() {
      events(id + "/closed").add("closed:" + context.subtaskIndex());
    }
  }

  @Test
  void shouldFailTheTaskWithTheOperatorsOwnExceptionWhenAChainedOperatorThrows() {
    TaskFailureException failure = runFailingJob(true);
    assertThat(failure.getCause()).isSameAs(THROWN.get(id)).isInstanceOf(IOException.class);
  }

  @Test
  void shouldFailTheTaskWithTheOperatorsOwnExceptionWhenTheHeadThrows() {
    TaskFailureException failure = runFailingJob(false);
    assertThat(failure.getCause()).isSameAs(THROWN.get(id)).isInstanceOf(IllegalStateException.class);
  }

  private TaskFailureException runFailingJob(boolean chained) {
    JobGraphBuilder b = new JobGraphBuilder("failing-job", 8);
    int src = b.addOperator("Source", () -> new SequenceSource(id, 1000), 2, 0, 1);
    int fail = b.addOperator("Fail", () -> new FailingMap(id, chained), 2, 1, 1);
    int snk = b.addOperator("Sink", () -> new CollectSink(id), 2, 1, 0);
    if (!chained) {
      b.disableChaining(fail);
    }
    b.connect(src, 0, fail, 0, chained ? Partitioning.forward() : Partitioning.rebalance(), new LongSerializer(id));
    b.connect(fail, 0, snk, 0, Partitioning.rebalance(), new LongSerializer(id));
    JobGraph g = b.build();
    TestJobRunner.RunningJob job = runner.submit(g);
    job.awaitTermination(Duration.ofSeconds(20));

    // Value 42 is produced by source subtask 0; with chaining it is processed by subtask 0.
    assertThat(job.failures()).isNotEmpty();
    TaskFailureException failure = job.failures().values().stream()
        .filter(t -> t instanceof TaskFailureException f && f.getCause() == THROWN.get(id))
        .map(TaskFailureException.class::cast).findFirst().orElseThrow();
    String vertexName = chained ? "Source -> ... -> Fail" : "Fail";
    assertThat(failure.getMessage()).startsWith("Task '" + vertexName + " (")
        .contains("of job failing-job (" + g.jobId() + ") failed in 'Fail': ")
        .contains(THROWN.get(id).getMessage());
    assertThat(failure.operatorName()).as("the chained operator that threw, not the chain's head").isEqualTo("Fail");
    assertThat(failure.jobId()).isEqualTo(g.jobId());
    assertThat(failure.vertex()).isEqualTo(g.vertices().get(chained ? 0 : 1).id());
    assertThat(failure.taskName()).startsWith(vertexName + " (" + (failure.subtask() + 1) + "/2)#0");
    assertThat(events(id + "/closed")).as("the failed operator was closed").contains("closed:" + failure.subtask());
    // Sources may have finished before the failure; consumers of the failed task fail or get canceled.
    assertThat(job.states().values()).allMatch(ExecutionState::isTerminal);
    assertThat(runner.shuffle.partitionManager().size()).as("all partitions released").isZero();
    return failure;
  }

  @Test
  void shouldReportEachTransitionOnceWithTheTerminalOneLast() {
    JobGraphBuilder b = new JobGraphBuilder("transitions", 8);
    int src = b.addOperator("Source", () -> new SequenceSource(id, 10), 1, 0, 1);
    int snk = b.addOperator("Sink", () -> new CollectSink(id), 1, 1, 0);
    b.connect(src, 0, snk, 0, Partitioning.rebalance(), new LongSerializer(id));
    TestJobRunner.RunningJob job = runner.run(b.build());
    for (Task t : job.tasks.values()) {
      assertThat(job.transitionsOf(t)).containsExactly(ExecutionState.DEPLOYING, ExecutionState.RUNNING, ExecutionState.FINISHED);
    }
    assertThat(runner.shuffle.partitionManager().size()).as("consumed partitions unregistered").isZero();
  }

  @Test
  void shouldEndCanceledWithoutRunningWhenCanceledBeforeStart() {
    JobGraphBuilder b = new JobGraphBuilder("never-started", 8);
    b.addOperator("Source", () -> new SequenceSource(id, 10), 1, 0, 1);
    JobGraph g = b.build();
    List<ExecutionState> seen = new ArrayList<>();
    Task task = new Task(new TaskDeploymentDescriptor(new ExecutionAttemptId(g.jobId(), g.vertices().get(0).id(), 0, 0), g),
        runner.environment, (attempt, state, cause, accumulators) -> seen.add(state));
    task.cancel();
    task.start();
    task.cancel();
    assertThat(task.state()).isEqualTo(ExecutionState.CANCELED);
    assertThat(seen).containsExactly(ExecutionState.CANCELED);
    assertThat(events(id + "/0")).isEmpty();
  }

  /** A counter accumulator, safe to copy while the task updates it. */
  static final class LongCounter implements Accumulator<LongCounter> {
    final AtomicLong value = new AtomicLong();

    @Override
    public LongCounter copy() {
      LongCounter c = new LongCounter();
      c.value.set(value.get());
      return c;
    }

    @Override
    public void merge(LongCounter other) {
      value.addAndGet(other.value.get());
    }
  }

  static final Map<String, List<Object>> CONTEXT_SEEN = new ConcurrentHashMap<>();

  static final class ContextProbe extends AbstractOperator {
    private final String id;
    private LongCounter counter;

    ContextProbe(String id) {
      this.id = id;
    }

    @Override
    public void open(OperatorContext context, Output output) throws Exception {
      super.open(context, output);
      counter = context.accumulator("records", LongCounter::new);
      File tmp = context.tempDirectory();
      new File(tmp, "spill-" + context.operatorName()).createNewFile();
      CONTEXT_SEEN.computeIfAbsent(id + "/" + context.subtaskIndex(), k -> new ArrayList<>())
          .addAll(List.of(counter, context.keyGroupRange(), tmp, context.managedMemoryBytes(), context.taskName(),
              context.operatorName(), Thread.currentThread().getContextClassLoader()));
    }

    @Override
    public void processElement(int input, Object value, long timestamp) {
      counter.value.incrementAndGet();
      output.emit(0, value, timestamp);
    }
  }

  @Test
  void shouldShareAccumulatorsByNameWithinATaskAndProvideItsContext() {
    JobGraphBuilder b = new JobGraphBuilder("context", 16);
    b.setConfig(JobConfig.MANAGED_MEMORY_PER_OPERATOR, "12345");
    int src = b.addOperator("Source", () -> new SequenceSource(id, 50), 2, 0, 1);
    int p1 = b.addOperator("P1", () -> new ContextProbe(id), 2, 1, 1);
    int p2 = b.addOperator("P2", () -> new ContextProbe(id), 2, 1, 1);
    b.connect(src, 0, p1, 0, Partitioning.forward(), new LongSerializer(id));
    b.connect(p1, 0, p2, 0, Partitioning.forward(), new LongSerializer(id));
    TestJobRunner.RunningJob job = runner.run(b.build());

    for (int s = 0; s < 2; s++) {
      List<Object> seen = CONTEXT_SEEN.get(id + "/" + s);
      assertThat(seen).hasSize(14);
      assertThat(seen.get(0)).as("same accumulator in both operators").isSameAs(seen.get(7));
      assertThat(seen.get(1)).isEqualTo(KeyGroupRange.forSubtask(16, 2, s));
      assertThat(seen.get(2)).isEqualTo(seen.get(9));
      assertThat((File) seen.get(2)).as("temp dir deleted at task end").doesNotExist();
      assertThat(((File) seen.get(2)).getParentFile()).isEqualTo(runner.tempDir);
      assertThat(seen.get(3)).isEqualTo(12345L);
      assertThat(seen.get(4)).isEqualTo("Source -> ... -> P2 (" + (s + 1) + "/2)#0");
      assertThat(List.of(seen.get(5), seen.get(12))).containsExactlyInAnyOrder("P1", "P2");
      assertThat(seen.get(6)).isSameAs(runner.environment.userClassLoader());
      Task task = job.task(0, s);
      Map<String, Accumulator<?>> finalAccumulators = job.finalAccumulators.get(task.attemptId());
      assertThat(((LongCounter) finalAccumulators.get("records")).value.get()).isEqualTo(100);
      LongCounter snapshot = (LongCounter) task.accumulatorSnapshot().get("records");
      assertThat(snapshot).isNotSameAs(seen.get(0));
      assertThat(snapshot.value.get()).isEqualTo(100);
    }
  }
}
