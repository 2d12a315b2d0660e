package dev.sluice.runner.translation.testing;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.api.KeyGroupRange;
import dev.sluice.engine.api.Operator;
import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.ProcessingTimeService;
import dev.sluice.engine.api.Watermarks;
import dev.sluice.engine.graph.JobId;
import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Drives one operator on the calling thread, without an engine: feeds inputs, collects what it
 * emits per port. Mail sent to {@link OperatorContext#mailbox()} runs on {@link #runMail()}.
 */
public final class OperatorHarness implements AutoCloseable {

  /** One emitted value. */
  public record Emitted(int port, Object value, long timestamp) {}

  private final Operator operator;
  private final List<Emitted> emitted = new ArrayList<>();
  private final List<Long> watermarks = new ArrayList<>();
  private final Map<String, Accumulator<?>> accumulators = new HashMap<>();
  private final Queue<Runnable> mail = new ArrayDeque<>();
  /** Processing-time timers registered by the operator, earliest first (ties in registration order). */
  private final java.util.PriorityQueue<PendingTimer> processingTimers = new java.util.PriorityQueue<>(
      java.util.Comparator.comparingLong(PendingTimer::time).thenComparingLong(PendingTimer::sequence));
  private long timerSequence;
  private final List<Long> emittedProcessingTimes = new ArrayList<>();
  private final Output output;
  /** Manual processing time; starts at the wall clock, moved only by {@link #advanceProcessingTime}. */
  private long processingTime = System.currentTimeMillis();
  /** What the processing-time service says of itself ({@link ProcessingTimeService#synthetic()}). */
  private boolean syntheticProcessingTime;

  private record PendingTimer(long time, long sequence, ProcessingTimeService.ProcessingTimeCallback callback) {}
  private final File tempDir;
  private final int subtask;
  private final int parallelism;
  private final int maxParallelism;

  public OperatorHarness(Operator operator) throws Exception {
    this(operator, 0, 1, 128);
  }

  public OperatorHarness(Operator operator, int subtask, int parallelism, int maxParallelism) throws Exception {
    this.operator = operator;
    this.subtask = subtask;
    this.parallelism = parallelism;
    this.maxParallelism = maxParallelism;
    this.tempDir = Files.createTempDirectory("sluice-harness").toFile();
    output = new Output() {
      @Override
      public void emit(int port, Object value, long timestamp) {
        emitted.add(new Emitted(port, value, timestamp));
      }

      @Override
      public void emitWatermark(long watermark) {
        watermarks.add(watermark);
      }

      /** As a task does: the clock moves (due timers fire), then the time is recorded as sent. */
      @Override
      public void emitProcessingTime(long time) throws Exception {
        advanceProcessingTime(time);
        emittedProcessingTimes.add(time);
      }
    };
    operator.open(new Context(), output);
  }

  public OperatorHarness process(int input, Object value, long timestamp) throws Exception {
    operator.processElement(input, value, timestamp);
    return this;
  }

  public OperatorHarness watermark(int input, long watermark) throws Exception {
    operator.processWatermark(input, watermark);
    return this;
  }

  /** Ends the given inputs (watermark +infinity first, as the engine does) and finishes. */
  public OperatorHarness endInputsAndFinish(int... inputs) throws Exception {
    for (int i : inputs) {
      operator.processWatermark(i, Watermarks.MAX);
      operator.endInput(i);
    }
    operator.finish();
    return this;
  }

  /** Ends the given inputs (watermark +infinity first, as the engine does) without finishing. */
  public OperatorHarness endInputs(int... inputs) throws Exception {
    for (int i : inputs) {
      operator.processWatermark(i, Watermarks.MAX);
      operator.endInput(i);
    }
    return this;
  }

  /**
   * What the operator reports as work left once all inputs ended (null: none), as the task asks
   * before it calls {@link #finish()}.
   */
  public java.util.concurrent.CompletableFuture<?> workAfterEndOfInput() {
    return operator.workAfterEndOfInput();
  }

  public OperatorHarness finish() throws Exception {
    operator.finish();
    return this;
  }

  /**
   * Sets the harness's processing time (it never moves by itself) and runs, on the calling
   * thread, every processing-time callback due by then, earliest first, including callbacks
   * registered by those callbacks.
   */
  public OperatorHarness advanceProcessingTime(long time) throws Exception {
    processingTime = Math.max(processingTime, time);
    PendingTimer next;
    while ((next = processingTimers.peek()) != null && next.time() <= processingTime) {
      processingTimers.poll();
      next.callback().onProcessingTime(next.time());
    }
    return this;
  }

  /** From now on the operator's processing-time service reports synthetic time (as in a TestStream job). */
  public OperatorHarness syntheticProcessingTime() {
    syntheticProcessingTime = true;
    return this;
  }

  public long processingTime() {
    return processingTime;
  }

  /** Number of registered processing-time callbacks that have not run yet. */
  public int pendingProcessingTimers() {
    return processingTimers.size();
  }

  public void runMail() {
    Runnable r;
    while ((r = mail.poll()) != null) {
      r.run();
    }
  }

  public List<Emitted> emitted() {
    return emitted;
  }

  public List<Object> values(int port) {
    List<Object> out = new ArrayList<>();
    for (Emitted e : emitted) {
      if (e.port() == port) {
        out.add(e.value());
      }
    }
    return out;
  }

  public List<Long> watermarks() {
    return watermarks;
  }

  /** The output the operator was opened with (to drive a source's {@code emitNext}). */
  public Output output() {
    return output;
  }

  /** The synthetic processing times (barriers) the operator emitted, in order. */
  public List<Long> emittedProcessingTimes() {
    return emittedProcessingTimes;
  }

  /** Sets processing time before the operator first reads it (e.g. a synthetic clock's start). */
  public OperatorHarness startProcessingTimeAt(long time) {
    processingTime = time;
    return this;
  }

  public Map<String, Accumulator<?>> accumulators() {
    return accumulators;
  }

  @Override
  public void close() throws Exception {
    operator.close();
    try (var files = Files.walk(tempDir.toPath())) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private final class Context implements OperatorContext {
    private final JobId jobId = JobId.generate();

    @Override public JobId jobId() { return jobId; }
    @Override public String jobName() { return "harness"; }
    @Override public String operatorName() { return "operator-under-test"; }
    @Override public String taskName() { return "operator-under-test (" + (subtask + 1) + "/" + parallelism + ")#0"; }
    @Override public int subtaskIndex() { return subtask; }
    @Override public int parallelism() { return parallelism; }
    @Override public int maxParallelism() { return maxParallelism; }
    @Override public KeyGroupRange keyGroupRange() { return KeyGroupRange.forSubtask(maxParallelism, parallelism, subtask); }
    @Override public ClassLoader userClassLoader() { return OperatorHarness.class.getClassLoader(); }
    @Override public File tempDirectory() { return tempDir; }
    @Override public long managedMemoryBytes() { return 1L << 20; }
    @Override public Executor mailbox() { return mail::add; }

    @Override
    public ProcessingTimeService processingTimeService() {
      return new ProcessingTimeService() {
        @Override public long currentTime() { return processingTime; }
        @Override public boolean synthetic() { return syntheticProcessingTime; }
        @Override public Cancellable registerTimer(long time, ProcessingTimeCallback callback) {
          PendingTimer timer = new PendingTimer(time, timerSequence++, callback);
          processingTimers.add(timer);
          return () -> processingTimers.remove(timer);
        }
      };
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends Accumulator<A>> A accumulator(String name, Supplier<A> factory) {
      return (A) accumulators.computeIfAbsent(name, n -> factory.get());
    }
  }
}
