package dev.sluice.runner.translation.operators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.SourceOperator;
import dev.sluice.engine.api.SourceOperator.Status;
import dev.sluice.runner.translation.testing.OperatorHarness;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.util.WindowedValue;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** Impulse, bounded-source, empty-source and identity operators. */
class SourceOperatorsTest {

  /** Records what a source emits when the test calls {@code emitNext} itself. */
  private static final class Recorder implements Output {
    final List<WindowedValue<?>> values = new ArrayList<>();
    final List<Long> timestamps = new ArrayList<>();

    @Override
    public void emit(int port, Object value, long timestamp) {
      assertThat(port).isZero();
      values.add((WindowedValue<?>) value);
      timestamps.add(timestamp);
    }

    @Override
    public void emitWatermark(long watermark) {}
  }

  @Test
  void shouldEmitOneEmptyImpulseInTheGlobalWindow() throws Exception {
    ImpulseOperator impulse = new ImpulseOperator();
    try (OperatorHarness ignored = new OperatorHarness(impulse)) {
      Recorder out = drain(impulse);

      assertThat(out.values).singleElement().satisfies(v -> {
        assertThat((byte[]) v.getValue()).isEmpty();
        assertThat(List.<Object>copyOf(v.getWindows())).containsExactly(GlobalWindow.INSTANCE);
      });
      assertThat(out.timestamps).containsExactly(out.values.get(0).getTimestamp().getMillis());
    }
  }

  @Test
  void shouldEmitNoImpulseFromOtherSubtasks() throws Exception {
    ImpulseOperator impulse = new ImpulseOperator();
    try (OperatorHarness ignored = new OperatorHarness(impulse, 1, 2, 128)) {
      assertThat(drain(impulse).values).isEmpty();
    }
  }

  @Test
  void shouldEndEmptySourceAtOnce() throws Exception {
    EmptySourceOperator empty = new EmptySourceOperator();
    try (OperatorHarness ignored = new OperatorHarness(empty)) {
      assertThat(empty.emitNext(new Recorder())).isEqualTo(Status.END_OF_INPUT);
    }
  }

  @Test
  void shouldReadAllAssignedSplitsInBoundedBatches() throws Exception {
    ListSource.CLOSED.set(0);
    List<List<BoundedSource<Integer>>> assignment = List.of(
        List.of(new ListSource(0, 300), new ListSource(300, 300), new ListSource(600, 50)),
        List.of(new ListSource(1000, 5)));
    BoundedSourceOperator<Integer> source = new BoundedSourceOperator<>("Read", assignment, options());
    try (OperatorHarness ignored = new OperatorHarness(source, 0, 2, 128)) {
      Recorder out = new Recorder();
      assertThat(source.emitNext(out)).isEqualTo(Status.MORE_AVAILABLE);
      assertThat(out.values).hasSize(BoundedSourceOperator.MAX_RECORDS_PER_CALL);
      while (source.emitNext(out) != Status.END_OF_INPUT) {
        // keep reading
      }
      source.finish();

      List<Object> values = out.values.stream().<Object>map(WindowedValue::getValue).toList();
      assertThat(values).containsExactlyElementsOf(range(0, 650));
      assertThat(out.values).allSatisfy(v -> {
        assertThat(v.getTimestamp()).isEqualTo(new Instant(((Integer) v.getValue()).longValue()));
        assertThat(List.<Object>copyOf(v.getWindows())).containsExactly(GlobalWindow.INSTANCE);
      });
      assertThat(out.timestamps.get(10)).isEqualTo(10L);
      assertThat(ListSource.CLOSED.get()).isEqualTo(3);
    }
  }

  @Test
  void shouldCloseTheOpenReaderOnClose() throws Exception {
    ListSource.CLOSED.set(0);
    BoundedSourceOperator<Integer> source =
        new BoundedSourceOperator<>("Read", List.of(List.of(new ListSource(0, 1000))), options());
    OperatorHarness h = new OperatorHarness(source);
    source.emitNext(new Recorder());
    assertThat(ListSource.CLOSED.get()).isZero();

    h.close();

    assertThat(ListSource.CLOSED.get()).isEqualTo(1);
  }

  @Test
  void shouldReadNothingInASubtaskWithoutSplits() throws Exception {
    BoundedSourceOperator<Integer> source =
        new BoundedSourceOperator<>("Read", List.of(List.of(new ListSource(0, 3))), options());
    try (OperatorHarness ignored = new OperatorHarness(source, 1, 2, 128)) {
      assertThat(drain(source).values).isEmpty();
    }
  }

  @Test
  void shouldPassValuesAndWatermarksThroughIdentity() throws Exception {
    try (OperatorHarness h = new OperatorHarness(new IdentityOperator())) {
      h.process(0, "a", 5).watermark(0, 7).process(0, "b", 9);

      assertThat(h.emitted()).containsExactly(new OperatorHarness.Emitted(0, "a", 5), new OperatorHarness.Emitted(0, "b", 9));
      assertThat(h.watermarks()).containsExactly(7L);
    }
  }

  private static Recorder drain(SourceOperator source) throws Exception {
    Recorder out = new Recorder();
    for (int calls = 0; source.emitNext(out) != Status.END_OF_INPUT; calls++) {
      assertThat(calls).as("source should end").isLessThan(10_000);
    }
    return out;
  }

  private static SerializablePipelineOptions options() {
    return new SerializablePipelineOptions(PipelineOptionsFactory.create());
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(i);
    }
    return out;
  }

  /** Integers {@code [start, start + count)}, each timestamped with its value; counts closed readers. */
  static final class ListSource extends BoundedSource<Integer> {
    static final AtomicInteger CLOSED = new AtomicInteger();
    private final int start;
    private final int count;

    ListSource(int start, int count) {
      this.start = start;
      this.count = count;
    }

    @Override
    public List<? extends BoundedSource<Integer>> split(long desiredBundleSizeBytes, PipelineOptions options) {
      return List.of(this);
    }

    @Override
    public long getEstimatedSizeBytes(PipelineOptions options) {
      return 4L * count;
    }

    @Override
    public BoundedReader<Integer> createReader(PipelineOptions options) {
      return new BoundedReader<>() {
        private int current = start - 1;

        @Override
        public boolean start() {
          return advance();
        }

        @Override
        public boolean advance() {
          current++;
          return current < start + count;
        }

        @Override
        public Integer getCurrent() {
          if (current < start || current >= start + count) {
            throw new NoSuchElementException();
          }
          return current;
        }

        @Override
        public Instant getCurrentTimestamp() {
          return new Instant((long) current);
        }

        @Override
        public void close() throws IOException {
          CLOSED.incrementAndGet();
        }

        @Override
        public BoundedSource<Integer> getCurrentSource() {
          return ListSource.this;
        }
      };
    }

    @Override
    public Coder<Integer> getOutputCoder() {
      return VarIntCoder.of();
    }
  }
}
