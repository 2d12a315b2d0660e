package dev.sluice.engine.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.AbstractOperator;
import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.SourceOperator;
import dev.sluice.engine.graph.JobGraphBuilder;
import dev.sluice.engine.graph.Partitioning;
import dev.sluice.engine.serde.TypeSerializer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes a million records through one network edge and logs the rate. Asserts only the
 * count (no timing assertions); the log line is a quick regression signal for the hot path.
 */
class ThroughputSmokeTest {

  private static final Logger LOG = LoggerFactory.getLogger(ThroughputSmokeTest.class);
  private static final long RECORDS = 1_000_000;
  static final Map<String, Long> COUNTS = new ConcurrentHashMap<>();

  private final TestJobRunner runner = new TestJobRunner();

  @AfterEach
  void close() {
    runner.close();
  }

  static final class FastSource implements SourceOperator {
    private long next;

    @Override
    public void open(OperatorContext context, Output output) {}

    @Override
    public Status emitNext(Output output) {
      for (int i = 0; i < 1000 && next < RECORDS; i++) {
        output.emit(0, next++, 0);
      }
      return next < RECORDS ? Status.MORE_AVAILABLE : Status.END_OF_INPUT;
    }

    @Override
    public void finish() {}

    @Override
    public void close() {}
  }

  static final class CountingSink extends AbstractOperator {
    private final String id;
    private long count;

    CountingSink(String id) {
      this.id = id;
    }

    @Override
    public void processElement(int input, Object value, long timestamp) {
      count++;
    }

    @Override
    public void finish() {
      COUNTS.merge(id, count, Long::sum);
    }
  }

  /** Varint-free 8-byte longs, without the call counting of the test serializer. */
  static final class PlainLongSerializer implements TypeSerializer<Object> {
    @Override
    public void serialize(Object value, OutputStream out) throws IOException {
      long v = (Long) value;
      for (int i = 56; i >= 0; i -= 8) {
        out.write((int) (v >>> i));
      }
    }

    @Override
    public Object deserialize(InputStream in) throws IOException {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | in.read();
      }
      return v;
    }
  }

  @Test
  void shouldMoveAMillionRecordsThroughANetworkEdge() {
    String id = UUID.randomUUID().toString();
    JobGraphBuilder b = new JobGraphBuilder("throughput", 8);
    int src = b.addOperator("Source", FastSource::new, 1, 0, 1);
    int snk = b.addOperator("Sink", () -> new CountingSink(id), 1, 1, 0);
    b.disableChaining(snk);
    b.connect(src, 0, snk, 0, Partitioning.forward(), new PlainLongSerializer());
    long start = System.nanoTime();
    runner.run(b.build());
    long nanos = System.nanoTime() - start;
    assertThat(COUNTS.get(id)).isEqualTo(RECORDS);
    LOG.info("{} records through one local channel in {} ms: {} records/s", RECORDS, nanos / 1_000_000,
        RECORDS * 1_000_000_000L / nanos);
  }
}
