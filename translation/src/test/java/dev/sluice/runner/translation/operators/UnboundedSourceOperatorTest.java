package dev.sluice.runner.translation.operators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.api.KeyGroupRange;
import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.ProcessingTimeService;
import dev.sluice.engine.api.SourceOperator.Status;
import dev.sluice.engine.graph.JobId;
import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.WindowedValue;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link UnboundedSourceOperator} driven by hand, with a manual processing-time clock. */
class UnboundedSourceOperatorTest {

  /** A gap in a script: the reader has no record on this call. */
  private static final long GAP = -1;

  @Test
  void shouldInterleaveSplitsAndSkipReadersWithoutData() throws Exception {
    Driver d = new Driver(List.of(List.of(
        new ScriptedSource(List.of(1L, 2L, 3L)),
        new ScriptedSource(List.of(10L, GAP, 20L)))), null);

    assertThat(d.emitNext()).isEqualTo(Status.MORE_AVAILABLE);
    // B has a gap on its second call: A goes on alone until both are drained.
    assertThat(d.values()).containsExactly(1L, 10L, 2L, 3L, 20L);
    assertThat(d.timestamps()).containsExactly(1L, 10L, 2L, 3L, 20L);
  }

  @Test
  void shouldBackOffOnAProcessingTimeTimerWhenNoReaderHasData() throws Exception {
    Driver d = new Driver(List.of(List.of(new ScriptedSource(List.of(GAP, GAP, GAP, 5L, GAP)))), null);

    assertThat(d.emitNext()).isEqualTo(Status.NOTHING_AVAILABLE);
    assertThat(d.operator.available()).isNotDone();
    assertThat(d.timers).containsOnlyKeys(d.now + UnboundedSourceOperator.BACKOFF_MS);

    d.advanceTime(UnboundedSourceOperator.BACKOFF_MS);
    assertThat(d.operator.available()).isDone();
    assertThat(d.emitNext()).isEqualTo(Status.NOTHING_AVAILABLE);
    d.advanceTime(UnboundedSourceOperator.BACKOFF_MS);
    assertThat(d.emitNext()).isEqualTo(Status.MORE_AVAILABLE);
    assertThat(d.values()).containsExactly(5L);
  }

  @Test
  void shouldEmitTheMinimumReaderWatermarkAndEndWhenAllReachTheEndOfTime() throws Exception {
    Driver d = new Driver(List.of(List.of(
        new ScriptedSource(List.of(100L, GAP, 300L)),
        new ScriptedSource(List.of(200L, GAP, GAP, GAP, 400L)))), null);

    assertThat(d.emitNext()).isEqualTo(Status.MORE_AVAILABLE);
    assertThat(d.watermarks).containsExactly(100L);

    d.advanceTime(UnboundedSourceOperator.WATERMARK_INTERVAL_MS);
    assertThat(d.emitNext()).isEqualTo(Status.MORE_AVAILABLE);
    // A is done (its watermark reached the end of time); B's 200 is the minimum now.
    assertThat(d.watermarks).containsExactly(100L, 200L);
    assertThat(d.operator.checkpointMarks()).hasSize(1);

    Status status;
    do {
      d.advanceTime(UnboundedSourceOperator.BACKOFF_MS);
      status = d.emitNext();
    } while (status != Status.END_OF_INPUT);
    assertThat(d.values()).containsExactlyInAnyOrder(100L, 200L, 300L, 400L);
    assertThat(d.watermarks).isSorted().allMatch(w -> w < BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis());
  }

  @Test
  void shouldEndAtOnceWithoutSplits() throws Exception {
    Driver d = new Driver(List.of(List.of(new ScriptedSource(List.of(1L)))), null, 1, 2);

    assertThat(d.emitNext()).isEqualTo(Status.END_OF_INPUT);
    assertThat(d.values()).isEmpty();
    assertThat(d.watermarks).isEmpty();
  }

  @Test
  void shouldStopEachSplitAtItsRecordBoundWithoutWatermarks() throws Exception {
    Driver d = new Driver(List.of(List.of(
        new ScriptedSource(List.of(1L, 2L, 3L, 4L)),
        new ScriptedSource(List.of(10L, 20L, 30L)))), new UnboundedSourceOperator.Bounds(new long[][] {{2, 2}}, Long.MAX_VALUE, Long.MAX_VALUE));

    assertThat(d.emitNext()).isEqualTo(Status.END_OF_INPUT);
    assertThat(d.values()).containsExactly(1L, 10L, 2L, 20L);
    assertThat(d.watermarks).isEmpty();
  }

  @Test
  void shouldStopEachSplitAtItsReadTime() throws Exception {
    Driver d = new Driver(List.of(List.of(new ScriptedSource(List.of(1L, GAP, GAP, GAP, 2L)))),
        new UnboundedSourceOperator.Bounds(null, 25, Long.MAX_VALUE));

    assertThat(d.emitNext()).isEqualTo(Status.MORE_AVAILABLE);
    d.advanceTime(UnboundedSourceOperator.BACKOFF_MS);
    assertThat(d.emitNext()).isEqualTo(Status.NOTHING_AVAILABLE);
    d.advanceTime(20);
    assertThat(d.emitNext()).isEqualTo(Status.END_OF_INPUT);
    assertThat(d.values()).containsExactly(1L);
  }

  @Test
  void shouldStopASplitThatHadNoRecordForTheIdleLimitAndSkipSplitsWithoutShare() throws Exception {
    Driver d = new Driver(List.of(List.of(
        new ScriptedSource(List.of(1L, GAP, GAP, GAP, 2L)),
        new ScriptedSource(List.of(7L)))), new UnboundedSourceOperator.Bounds(new long[][] {{5, 0}}, Long.MAX_VALUE, 15));

    assertThat(d.emitNext()).isEqualTo(Status.MORE_AVAILABLE);
    d.advanceTime(UnboundedSourceOperator.BACKOFF_MS);
    assertThat(d.emitNext()).isEqualTo(Status.NOTHING_AVAILABLE);
    d.advanceTime(UnboundedSourceOperator.BACKOFF_MS);
    assertThat(d.emitNext()).isEqualTo(Status.END_OF_INPUT);
    assertThat(d.values()).containsExactly(1L);
  }

  /** Drives the operator on the test thread; processing time moves only by {@link #advanceTime}. */
  private static final class Driver implements OperatorContext, Output {
    final UnboundedSourceOperator<Long> operator;
    final List<WindowedValue<?>> emitted = new ArrayList<>();
    final List<Long> watermarks = new ArrayList<>();
    final TreeMap<Long, List<ProcessingTimeService.ProcessingTimeCallback>> timers = new TreeMap<>();
    final Map<String, Accumulator<?>> accumulators = new HashMap<>();
    final int subtask;
    final int parallelism;
    long now = 1_000;

    Driver(List<List<UnboundedSource<Long, ?>>> splits, UnboundedSourceOperator.Bounds bounds) throws Exception {
      this(splits, bounds, 0, 1);
    }

    Driver(List<List<UnboundedSource<Long, ?>>> splits, UnboundedSourceOperator.Bounds bounds, int subtask, int parallelism)
        throws Exception {
      this.subtask = subtask;
      this.parallelism = parallelism;
      operator = new UnboundedSourceOperator<>(
          "read", splits, new SerializablePipelineOptions(PipelineOptionsFactory.create()), bounds);
      operator.open(this, this);
    }

    Status emitNext() throws Exception {
      return operator.emitNext(this);
    }

    void advanceTime(long millis) throws Exception {
      now += millis;
      while (!timers.isEmpty() && timers.firstKey() <= now) {
        var e = timers.pollFirstEntry();
        for (var callback : e.getValue()) {
          callback.onProcessingTime(e.getKey());
        }
      }
    }

    List<Object> values() {
      return emitted.stream().map(v -> (Object) v.getValue()).toList();
    }

    List<Long> timestamps() {
      return emitted.stream().map(v -> v.getTimestamp().getMillis()).toList();
    }

    @Override public void emit(int port, Object value, long timestamp) { emitted.add((WindowedValue<?>) value); }
    @Override public void emitWatermark(long watermark) { watermarks.add(watermark); }
    @Override public JobId jobId() { return JobId.generate(); }
    @Override public String jobName() { return "test"; }
    @Override public String operatorName() { return "read"; }
    @Override public String taskName() { return "read (" + (subtask + 1) + "/" + parallelism + ")"; }
    @Override public int subtaskIndex() { return subtask; }
    @Override public int parallelism() { return parallelism; }
    @Override public int maxParallelism() { return 128; }
    @Override public KeyGroupRange keyGroupRange() { return KeyGroupRange.forSubtask(128, parallelism, subtask); }
    @Override public ClassLoader userClassLoader() { return getClass().getClassLoader(); }
    @Override public Executor mailbox() { return Runnable::run; }
    @Override public File tempDirectory() { return new File(System.getProperty("java.io.tmpdir")); }
    @Override public long managedMemoryBytes() { return 1 << 20; }

    @Override
    public ProcessingTimeService processingTimeService() {
      return new ProcessingTimeService() {
        @Override public long currentTime() { return now; }
        @Override public Cancellable registerTimer(long time, ProcessingTimeCallback callback) {
          timers.computeIfAbsent(time, t -> new ArrayList<>()).add(callback);
          return () -> timers.getOrDefault(time, new ArrayList<>()).remove(callback);
        }
      };
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends Accumulator<A>> A accumulator(String name, Supplier<A> factory) {
      return (A) accumulators.computeIfAbsent(name, n -> factory.get());
    }
  }

  /**
   * One split that plays a script: a value is a record with that timestamp, {@link #GAP} is a
   * call without data. The watermark is the last record's timestamp, the end of time after the
   * script.
   */
  static final class ScriptedSource extends UnboundedSource<Long, UnboundedSource.CheckpointMark> {
    private final List<Long> script;

    ScriptedSource(List<Long> script) {
      this.script = script;
    }

    @Override
    public List<ScriptedSource> split(int desiredNumSplits, PipelineOptions options) {
      return List.of(this);
    }

    @Override
    public UnboundedReader<Long> createReader(PipelineOptions options, @Nullable CheckpointMark mark) {
      return new UnboundedReader<>() {
        private int position = -1;
        private Long current;
        private long watermark = BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis();

        @Override
        public boolean start() {
          return advance();
        }

        @Override
        public boolean advance() {
          current = null;
          if (position + 1 >= script.size()) {
            position = script.size();
            return false;
          }
          long next = script.get(++position);
          if (next == GAP) {
            return false;
          }
          current = next;
          watermark = next;
          return true;
        }

        @Override
        public Long getCurrent() {
          if (current == null) {
            throw new NoSuchElementException();
          }
          return current;
        }

        @Override
        public Instant getCurrentTimestamp() {
          return new Instant((long) getCurrent());
        }

        @Override
        public Instant getWatermark() {
          return position >= script.size() ? BoundedWindow.TIMESTAMP_MAX_VALUE : new Instant(watermark);
        }

        @Override
        public CheckpointMark getCheckpointMark() {
          return CheckpointMark.NOOP_CHECKPOINT_MARK;
        }

        @Override
        public UnboundedSource<Long, ?> getCurrentSource() {
          return ScriptedSource.this;
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public Coder<CheckpointMark> getCheckpointMarkCoder() {
      return null;
    }

    @Override
    public Coder<Long> getOutputCoder() {
      return VarLongCoder.of();
    }
  }
}
