package dev.sluice.engine.benchmarks;

import dev.sluice.engine.sort.SpillingGrouper;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link SpillingGrouper}, batch GroupByKey's engine: one operation = one (key, value) pair
 * added, then read back grouped. An invocation adds {@value #PAIRS} pairs (8-byte keys from
 * {@value #DISTINCT_KEYS} distinct ones in random order, 16-byte values), groups them and
 * reads every group to its end.
 *
 * <p>{@code budget}: {@code IN_MEMORY} (64 MiB, nothing spills) or {@code SPILLING} (1 MiB: nine
 * sorted runs, 3.9 MB, are written to local disk and merged; the disk is whatever backs
 * {@code java.io.tmpdir}, often tmpfs or page cache, so this is mostly the CPU cost of spilling).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GroupingBenchmark {

  static final int PAIRS = 200_000;
  static final int DISTINCT_KEYS = 10_000;

  /** The grouper's memory budget. */
  public enum Budget {
    IN_MEMORY(64L << 20), SPILLING(1L << 20);

    final long bytes;

    Budget(long bytes) {
      this.bytes = bytes;
    }
  }

  @Param({"IN_MEMORY", "SPILLING"})
  public Budget budget;

  private File spillDirectory;
  private byte[][] keys;
  private byte[][] values;

  @Setup(Level.Trial)
  public void createPairs() throws IOException {
    spillDirectory = Files.createTempDirectory("sluice-bench-grouping").toFile();
    Random random = new Random(7);
    byte[][] keyPool = new byte[DISTINCT_KEYS][];
    for (int i = 0; i < DISTINCT_KEYS; i++) {
      keyPool[i] = ByteBuffer.allocate(8).putLong(random.nextLong()).array();
    }
    keys = new byte[PAIRS][];
    values = new byte[PAIRS][];
    for (int i = 0; i < PAIRS; i++) {
      keys[i] = keyPool[random.nextInt(DISTINCT_KEYS)];
      values[i] = ByteBuffer.allocate(16).putLong(i).putLong(random.nextLong()).array();
    }
  }

  @TearDown(Level.Trial)
  public void deleteSpillDirectory() throws IOException {
    try (Stream<java.nio.file.Path> paths = Files.walk(spillDirectory.toPath())) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  @OperationsPerInvocation(PAIRS)
  public long addAndGroup(Blackhole bh) throws IOException {
    long read = 0;
    try (SpillingGrouper grouper = new SpillingGrouper(spillDirectory, budget.bytes)) {
      for (int i = 0; i < PAIRS; i++) {
        grouper.add(keys[i], values[i]);
      }
      SpillingGrouper.GroupCursor cursor = grouper.groups();
      while (cursor.next()) {
        bh.consume(cursor.key());
        for (Iterator<byte[]> it = cursor.values(); it.hasNext(); ) {
          bh.consume(it.next());
          read++;
        }
      }
      if (read != PAIRS) {
        throw new IllegalStateException("Grouped " + read + " values, added " + PAIRS);
      }
      if ((grouper.spillCount() > 0) != (budget == Budget.SPILLING)) {
        throw new IllegalStateException(budget + " budget spilled " + grouper.spillCount() + " times");
      }
    }
    return read;
  }
}
