package dev.sluice.engine.cluster.minicluster;

import dev.sluice.engine.api.AbstractOperator;
import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.SourceOperator;
import dev.sluice.engine.cluster.testutil.LongSum;
import dev.sluice.engine.graph.JobGraph;
import dev.sluice.engine.graph.JobGraphBuilder;
import dev.sluice.engine.graph.Partitioning;
import dev.sluice.engine.serde.TypeSerializer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Engine-only test jobs: {@code source -> map -> HASH -> keyed sum -> sink}. The source emits
 * the numbers {@code [0, count)} (subtask i takes those {@code == i mod parallelism}); map
 * multiplies by 10 (and, if asked, throws on its last subtask); the sum groups by
 * {@code (v / 10) % keys} and emits {@code {key, sum}} at the end; the sink adds them into
 * {@link #RESULTS} under the test id. Accumulators: {@code "emitted"} (source) and
 * {@code "summed"} (sum), one {@link LongSum} per subtask.
 */
final class TestPipelines {

  /** Sink output per test id: key -> sum. */
  static final Map<String, Map<Long, Long>> RESULTS = new ConcurrentHashMap<>();

  private TestPipelines() {}

  /**
   * @param count numbers to emit; negative for an infinite source
   * @param failAfter map's last subtask throws after this many records; negative: never
   */
  static JobGraph sumByKey(String testId, int parallelism, long count, int keys, long failAfter) {
    RESULTS.put(testId, new ConcurrentHashMap<>());
    JobGraphBuilder b = new JobGraphBuilder("sum-by-key " + testId, 128);
    int source = b.addOperator("numbers", () -> new NumberSource(count), parallelism, 0, 1);
    int map = b.addOperator("times ten", () -> new TimesTen(failAfter), parallelism, 1, 1);
    int sum = b.addOperator("sum", () -> new KeyedSum(keys), parallelism, 1, 1);
    int sink = b.addOperator("collect", () -> new CollectingSink(testId), parallelism, 1, 0);
    b.connect(source, 0, map, 0, Partitioning.forward(), new LongSerializer());
    b.connect(map, 0, sum, 0, Partitioning.hash(v -> ((Long) v / 10) % keys), new LongSerializer());
    b.connect(sum, 0, sink, 0, Partitioning.forward(), new PairSerializer());
    return b.build();
  }

  /** What {@link #sumByKey} computes, for {@code count >= 0}. */
  static Map<Long, Long> expectedSums(long count, int keys) {
    Map<Long, Long> expected = new HashMap<>();
    for (long v = 0; v < count; v++) {
      expected.merge(v % keys, v * 10, Long::sum);
    }
    return expected;
  }

  static final class NumberSource implements SourceOperator {
    private final long count;
    private long next;
    private int step;
    private LongSum emitted;

    NumberSource(long count) {
      this.count = count;
    }

    @Override
    public void open(OperatorContext context, Output output) {
      next = context.subtaskIndex();
      step = context.parallelism();
      emitted = context.accumulator("emitted", LongSum::new);
    }

    @Override
    public Status emitNext(Output out) {
      for (int i = 0; i < 100; i++) {
        if (count >= 0 && next >= count) {
          return Status.END_OF_INPUT;
        }
        out.emit(0, count >= 0 ? next : next % 1000, next);
        emitted.add(1);
        next += step;
      }
      return Status.MORE_AVAILABLE;
    }

    @Override
    public void finish() {}

    @Override
    public void close() {}
  }

  static final class TimesTen extends AbstractOperator {
    private final long failAfter;
    private long seen;

    TimesTen(long failAfter) {
      this.failAfter = failAfter;
    }

    @Override
    public void processElement(int input, Object value, long timestamp) {
      if (failAfter >= 0 && context.subtaskIndex() == context.parallelism() - 1 && ++seen > failAfter) {
        throw new IllegalStateException("test failure in map after " + failAfter + " records");
      }
      output.emit(0, (Long) value * 10, timestamp);
    }
  }

  static final class KeyedSum extends AbstractOperator {
    private final int keys;
    private final Map<Long, Long> sums = new HashMap<>();
    private LongSum summed;

    KeyedSum(int keys) {
      this.keys = keys;
    }

    @Override
    public void open(OperatorContext context, Output output) throws Exception {
      super.open(context, output);
      summed = context.accumulator("summed", LongSum::new);
    }

    @Override
    public void processElement(int input, Object value, long timestamp) {
      long v = (Long) value;
      sums.merge((v / 10) % keys, v, Long::sum);
      summed.add(1);
    }

    @Override
    public void finish() {
      for (Map.Entry<Long, Long> e : sums.entrySet()) {
        output.emit(0, new long[] {e.getKey(), e.getValue()}, Long.MAX_VALUE - 1);
      }
    }
  }

  static final class CollectingSink extends AbstractOperator {
    private final String testId;

    CollectingSink(String testId) {
      this.testId = testId;
    }

    @Override
    public void processElement(int input, Object value, long timestamp) {
      long[] pair = (long[]) value;
      RESULTS.get(testId).merge(pair[0], pair[1], Long::sum);
    }
  }

  static final class LongSerializer implements TypeSerializer<Object> {
    @Override
    public void serialize(Object value, OutputStream out) throws IOException {
      new DataOutputStream(out).writeLong((Long) value);
    }

    @Override
    public Object deserialize(InputStream in) throws IOException {
      return new DataInputStream(in).readLong();
    }
  }

  static final class PairSerializer implements TypeSerializer<Object> {
    @Override
    public void serialize(Object value, OutputStream out) throws IOException {
      long[] pair = (long[]) value;
      DataOutputStream data = new DataOutputStream(out);
      data.writeLong(pair[0]);
      data.writeLong(pair[1]);
    }

    @Override
    public Object deserialize(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      return new long[] {data.readLong(), data.readLong()};
    }
  }
}
