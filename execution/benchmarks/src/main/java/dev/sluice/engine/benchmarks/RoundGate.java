package dev.sluice.engine.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * Paces a long-running benchmark job in rounds: the benchmark thread releases a round, every
 * {@link PacedSource} subtask emits its share of records and then a watermark equal to the
 * round number, and every {@link RoundSink} subtask reports the watermark once it has
 * received it on all its channels, which (channels being FIFO) means it has received all
 * records of the round. So one round is "N records end to end", without deploying a job per
 * round and without the buffer timeout in the measurement (the watermark flushes buffers).
 *
 * <p>Operators find their gate by id in a static registry, because operator factories travel
 * inside the job graph and must be serializable.
 *
 * <h3>Threading model</h3>
 * {@link #releaseRound}, {@link #awaitRound} and {@link #stop} are called by the benchmark
 * thread only; sources and sinks call in from task threads. Round hand-off: the benchmark writes
 * the volatile {@link #releasedRounds}, then completes each source's published wake-up future; a
 * source publishes a fresh future, then re-reads {@code releasedRounds}, so it cannot park on a
 * round it missed.
 */
final class RoundGate {

  private static final Map<String, RoundGate> GATES = new ConcurrentHashMap<>();

  final String id;
  final long recordsPerSourcePerRound;
  private final int consumers;
  private final AtomicReferenceArray<CompletableFuture<Void>> wakeUps;
  private volatile long releasedRounds;
  private volatile boolean stopped;
  /** Highest round each consumer subtask completed. Guarded by {@code this}. */
  private final long[] consumerRounds;
  /** Records each consumer subtask received, reported when it closes. Guarded by {@code this}. */
  private final long[] consumerRecords;

  private RoundGate(String id, int sources, int consumers, long recordsPerSourcePerRound) {
    this.id = id;
    this.recordsPerSourcePerRound = recordsPerSourcePerRound;
    this.consumers = consumers;
    this.wakeUps = new AtomicReferenceArray<>(sources);
    for (int i = 0; i < sources; i++) {
      wakeUps.set(i, new CompletableFuture<>());
    }
    this.consumerRounds = new long[consumers];
    this.consumerRecords = new long[consumers];
  }

  static RoundGate create(String id, int sources, int consumers, long recordsPerSourcePerRound) {
    RoundGate gate = new RoundGate(id, sources, consumers, recordsPerSourcePerRound);
    GATES.put(id, gate);
    return gate;
  }

  static RoundGate get(String id) {
    RoundGate gate = GATES.get(id);
    if (gate == null) {
      throw new IllegalStateException("No round gate " + id);
    }
    return gate;
  }

  void unregister() {
    GATES.remove(id);
  }

  // ---- benchmark thread ----

  /** Lets the sources emit one more round; returns its number (1, 2, ...). */
  long releaseRound() {
    long round = releasedRounds + 1;
    releasedRounds = round;
    wakeAll();
    return round;
  }

  /**
   * Waits until every consumer completed {@code round}.
   *
   * @param failure polled while waiting, so a failed job does not hang the benchmark
   */
  synchronized void awaitRound(long round, Duration timeout, Supplier<Throwable> failure) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!allReached(round)) {
      Throwable t = failure.get();
      if (t != null) {
        throw new IllegalStateException("Benchmark job " + id + " failed in round " + round, t);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IllegalStateException("Round " + round + " of " + id + " did not complete within " + timeout
            + "; consumer rounds " + Arrays.toString(consumerRounds));
      }
      // Bounded wait so that failures are noticed even though a failed sink never notifies.
      wait(Math.min(100, Math.max(1, left / 1_000_000)));
    }
  }

  /** Makes the sources end after the released rounds (the job then finishes). */
  void stop() {
    stopped = true;
    wakeAll();
  }

  /** Records the consumers received in total; valid after the job finished. */
  synchronized long receivedRecords() {
    return Arrays.stream(consumerRecords).sum();
  }

  long releasedRounds() {
    return releasedRounds;
  }

  private void wakeAll() {
    for (int i = 0; i < wakeUps.length(); i++) {
      wakeUps.get(i).complete(null);
    }
  }

  private boolean allReached(long round) {
    for (long r : consumerRounds) {
      if (r < round) {
        return false;
      }
    }
    return true;
  }

  // ---- task threads ----

  /** Records a source may have emitted by now, over all rounds so far. */
  long recordsReleasedPerSource() {
    return releasedRounds * recordsPerSourcePerRound;
  }

  boolean isStopped() {
    return stopped;
  }

  /** A fresh wake-up future for source {@code subtask}; re-check the rounds after calling this. */
  CompletableFuture<Void> newWakeUp(int subtask) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    wakeUps.set(subtask, f);
    return f;
  }

  synchronized void consumerReached(int subtask, long round) {
    if (round > consumerRounds[subtask]) {
      consumerRounds[subtask] = round;
      notifyAll();
    }
  }

  synchronized void consumerClosed(int subtask, long records) {
    consumerRecords[subtask] = records;
  }

  int consumers() {
    return consumers;
  }
}
