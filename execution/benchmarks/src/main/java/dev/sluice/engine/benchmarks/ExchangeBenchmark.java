package dev.sluice.engine.benchmarks;

import dev.sluice.engine.api.KeySelector;
import dev.sluice.engine.graph.JobGraph;
import dev.sluice.engine.graph.JobGraphBuilder;
import dev.sluice.engine.graph.Partitioning;
import dev.sluice.engine.serde.TypeSerializer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Records per second end to end through the real task runtime: {@code source -> map -> sink},
 * each subtask a {@link dev.sluice.engine.task.Task} on a {@link LocalJobRunner}.
 *
 * <ul>
 *   <li>{@code CHAINED}: all three operators in one task, records passed by call (the baseline:
 *       no serialization, no buffers, one thread);
 *   <li>{@code FORWARD}: {@code map -> sink} is a FORWARD edge with chaining disabled, so records
 *       are serialized into buffers and handed to a second task (two threads);
 *   <li>{@code HASH}: {@code map -> sink} is a HASH edge at parallelism 2 (four task threads on
 *       what may be a 2-core machine), keyed by the record itself.
 * </ul>
 *
 * <p>One operation = one record end to end. An invocation releases one round of
 * {@value #RECORDS_PER_ROUND} records (split over the source subtasks) and waits until every
 * sink subtask has seen the round's closing watermark (see {@link RoundGate}); the job keeps
 * running across invocations, so deployment is not measured.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ExchangeBenchmark {

  static final int RECORDS_PER_ROUND = 1 << 20;
  private static final int MAX_PARALLELISM = 128;
  private static final int POOL_SIZE = 4096;
  private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(60);

  /** How {@code map} and {@code sink} are connected. */
  public enum Topology { CHAINED, FORWARD, HASH }

  /** {@code LONG}: a boxed long, 8 bytes serialized; {@code BYTES16}: a 16-byte array, 17 bytes serialized. */
  public enum RecordType { LONG, BYTES16 }

  @Param({"CHAINED", "FORWARD", "HASH"})
  public Topology topology;

  @Param({"LONG", "BYTES16"})
  public RecordType recordType;

  private LocalJobRunner runner;
  private RoundGate gate;

  @Setup(Level.Trial)
  public void startJob() throws Exception {
    int parallelism = topology == Topology.HASH ? 2 : 1;
    String gateId = "exchange-" + UUID.randomUUID();
    gate = RoundGate.create(gateId, parallelism, parallelism, RECORDS_PER_ROUND / parallelism);
    runner = new LocalJobRunner();
    runner.start(graph(gateId, parallelism));
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS_PER_ROUND)
  public void records() throws InterruptedException {
    long round = gate.releaseRound();
    gate.awaitRound(round, ROUND_TIMEOUT, runner::failure);
  }

  @TearDown(Level.Trial)
  public void stopJob() throws Exception {
    try {
      gate.stop();
      runner.awaitFinished(ROUND_TIMEOUT);
      long expected = gate.releasedRounds() * RECORDS_PER_ROUND;
      if (gate.receivedRecords() != expected) {
        throw new IllegalStateException("Sinks received " + gate.receivedRecords() + " records, expected " + expected);
      }
    } finally {
      runner.close();
      gate.unregister();
    }
  }

  private JobGraph graph(String gateId, int parallelism) {
    Object[] pool = pool(recordType);
    TypeSerializer<?> serializer = recordType == RecordType.LONG
        ? new BenchSerializers.LongSerializer() : new BenchSerializers.ShortBytesSerializer();
    JobGraphBuilder b = new JobGraphBuilder("exchange-" + topology + "-" + recordType, MAX_PARALLELISM);
    int source = b.addOperator("Source", () -> new PacedSource(gateId, pool), parallelism, 0, 1);
    int map = b.addOperator("Map", IdentityMap::new, parallelism, 1, 1);
    int sink = b.addOperator("Sink", () -> new RoundSink(gateId), parallelism, 1, 0);
    b.connect(source, 0, map, 0, Partitioning.forward(), serializer);
    Partitioning edge = Partitioning.forward();
    if (topology == Topology.HASH) {
      edge = Partitioning.hash(recordType == RecordType.LONG ? (KeySelector) v -> v : (KeySelector) ExchangeBenchmark::bytesKey);
    }
    if (topology != Topology.CHAINED) {
      b.disableChaining(sink);
    }
    b.connect(map, 0, sink, 0, edge, serializer);
    JobGraph g = b.build();
    int expectedVertices = topology == Topology.CHAINED ? 1 : 2;
    if (g.vertices().size() != expectedVertices) {
      throw new IllegalStateException("Expected " + expectedVertices + " vertices for " + topology + ", got " + g.vertices());
    }
    return g;
  }

  /** A content-based key for a byte array (its identity hash code would not be deterministic). */
  private static Object bytesKey(Object value) {
    return Arrays.hashCode((byte[]) value);
  }

  /** Distinct values, pre-built so that producing a record allocates nothing. */
  static Object[] pool(RecordType type) {
    Object[] pool = new Object[POOL_SIZE];
    for (int i = 0; i < POOL_SIZE; i++) {
      long v = i * 0x9E3779B97F4A7C15L;
      pool[i] = type == RecordType.LONG ? (Object) v
          : ByteBuffer.allocate(16).putLong(v).putLong(~v).array();
    }
    return pool;
  }
}
