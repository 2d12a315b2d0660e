package dev.sluice.engine.benchmarks;

import dev.sluice.engine.api.KeyGroupRange;
import dev.sluice.engine.state.InternalTimer;
import dev.sluice.engine.state.InternalTimerService;
import dev.sluice.engine.state.ListState;
import dev.sluice.engine.state.ListStateDescriptor;
import dev.sluice.engine.state.Triggerable;
import dev.sluice.engine.state.ValueState;
import dev.sluice.engine.state.ValueStateDescriptor;
import dev.sluice.engine.state.heap.HeapKeyedStateBackend;
import dev.sluice.engine.state.heap.HeapKeyedStateBackendBuilder;
import java.io.IOException;
import java.util.Random;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link HeapKeyedStateBackend} on the task thread's hot path: per record, set the key, then
 * read and write its state; and event-time timers, registered for many keys and fired by one
 * watermark. Keys are visited in a shuffled order so that large key counts are not served from
 * cache by a sequential walk. The backend owns all 128 key groups (parallelism 1).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class KeyedStateBenchmark {

  static final int TIMERS_PER_INVOCATION = 10_000;
  private static final int MAX_PARALLELISM = 128;
  private static final String NAMESPACE = "";

  @Param({"10000", "1000000"})
  public int keys;

  private HeapKeyedStateBackend<Long> backend;
  private HeapKeyedStateBackend<Long> listBackend;
  private Long[] order;
  private int next;
  private ValueState<Long> value;
  private ListState<Long> list;
  private InternalTimerService<String> timers;
  private long timerBase;
  private long fired;

  @Setup(Level.Trial)
  public void createBackend() throws IOException {
    backend = newBackend();
    order = new Long[keys];
    for (int i = 0; i < keys; i++) {
      order[i] = (long) i;
    }
    Random random = new Random(42);
    for (int i = keys - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      Long t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    value = backend.getState(new ValueStateDescriptor<>("count", new BenchSerializers.StateLongSerializer()),
        new BenchSerializers.VoidSerializer(), NAMESPACE);
    // Every key has a value, so valueGetUpdate measures hits.
    for (Long k : order) {
      backend.setCurrentKey(k);
      value.update(0L);
    }
    timers = backend.timerService("timers", new BenchSerializers.VoidSerializer(), new Triggerable<Long, String>() {
      @Override
      public void onEventTime(InternalTimer<Long, String> timer) {
        fired++;
      }

      @Override
      public void onProcessingTime(InternalTimer<Long, String> timer) {
        fired++;
      }
    });
  }

  /** A fresh backend for the list state per iteration, so lists do not grow without bound. */
  @Setup(Level.Iteration)
  public void createListBackend() throws IOException {
    listBackend = newBackend();
    list = listBackend.getState(new ListStateDescriptor<>("list", new BenchSerializers.StateLongSerializer()),
        new BenchSerializers.VoidSerializer(), NAMESPACE);
  }

  @TearDown(Level.Iteration)
  public void closeListBackend() {
    listBackend.close();
  }

  @TearDown(Level.Trial)
  public void close() {
    backend.close();
  }

  /** Per record: setCurrentKey, value(), update(value + 1). */
  @Benchmark
  public void valueGetUpdate() {
    Long key = nextKey();
    backend.setCurrentKey(key);
    value.update(value.value() + 1);
  }

  /**
   * Per record: setCurrentKey, add one element to the key's list (the first add of a key in an
   * iteration also creates its list).
   */
  @Benchmark
  public void listAdd() {
    Long key = nextKey();
    listBackend.setCurrentKey(key);
    list.add(key);
  }

  /**
   * One operation = one timer registered (each for its own key, distinct timestamps) and fired:
   * {@value #TIMERS_PER_INVOCATION} registrations, then one watermark that fires them all.
   */
  @Benchmark
  @OperationsPerInvocation(TIMERS_PER_INVOCATION)
  public void timerRegisterAndFire(Blackhole bh) throws Exception {
    long base = timerBase;
    long firedBefore = fired;
    for (int i = 0; i < TIMERS_PER_INVOCATION; i++) {
      backend.setCurrentKey(nextKey());
      timers.registerEventTimeTimer(NAMESPACE, base + i);
    }
    timerBase = base + TIMERS_PER_INVOCATION;
    timers.advanceWatermark(timerBase - 1);
    if (fired - firedBefore != TIMERS_PER_INVOCATION) {
      throw new IllegalStateException("Fired " + (fired - firedBefore) + " of " + TIMERS_PER_INVOCATION + " timers");
    }
    bh.consume(fired);
  }

  private Long nextKey() {
    Long k = order[next];
    next = next + 1 == order.length ? 0 : next + 1;
    return k;
  }

  static HeapKeyedStateBackend<Long> newBackend() throws IOException {
    return new HeapKeyedStateBackendBuilder<>(new BenchSerializers.StateLongSerializer(), MAX_PARALLELISM,
        new KeyGroupRange(0, MAX_PARALLELISM - 1)).setName("benchmark backend").build();
  }
}
