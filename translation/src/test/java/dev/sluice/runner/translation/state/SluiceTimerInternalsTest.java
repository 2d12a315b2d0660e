package dev.sluice.runner.translation.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.KeyGroupRange;
import dev.sluice.engine.api.ProcessingTimeService;
import dev.sluice.engine.state.heap.HeapKeyedStateBackend;
import dev.sluice.engine.state.heap.HeapKeyedStateBackendBuilder;
import dev.sluice.runner.translation.serde.EncodedKey;
import dev.sluice.runner.translation.serde.EncodedKeySerializer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.joda.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SluiceTimerInternalsTest {

  private static final StateNamespace W1 =
      StateNamespaces.window(IntervalWindow.getCoder(), new IntervalWindow(new Instant(0), new Instant(10)));
  private static final StateNamespace W2 =
      StateNamespaces.window(IntervalWindow.getCoder(), new IntervalWindow(new Instant(10), new Instant(20)));

  private HeapKeyedStateBackend<EncodedKey> backend;
  private SluiceTimerInternals timers;
  private final ManualTime time = new ManualTime();
  /** Fired timers as "key:timerId@timestamp". */
  private final List<String> fired = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    backend = new HeapKeyedStateBackendBuilder<>(new EncodedKeySerializer(), 128, new KeyGroupRange(0, 127)).build();
    timers = new SluiceTimerInternals(backend, IntervalWindow.getCoder(), time);
    timers.setHandler(t -> fired.add(currentKey() + ":" + t.getTimerId() + "@" + t.getTimestamp().getMillis()));
  }

  @AfterEach
  void tearDown() {
    backend.close();
  }

  private void key(String key) throws Exception {
    backend.setCurrentKey(new EncodedKey(CoderUtils.encodeToByteArray(StringUtf8Coder.of(), key)));
  }

  private String currentKey() {
    try {
      return CoderUtils.decodeFromByteArray(StringUtf8Coder.of(), backend.getCurrentKey().bytes());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void setEventTimer(String id, StateNamespace ns, long ts) {
    timers.setTimer(ns, id, "", new Instant(ts), new Instant(ts), TimeDomain.EVENT_TIME);
  }

  @Test
  void shouldFireEventTimersInTimestampOrderWithTheirKey() throws Exception {
    key("a");
    setEventTimer("t1", W1, 30);
    setEventTimer("t2", W1, 10);
    key("b");
    setEventTimer("t1", W1, 20);
    timers.advanceInputWatermark(20);
    assertThat(fired).containsExactly("a:t2@10");
    timers.advanceInputWatermark(25);
    assertThat(fired).containsExactly("a:t2@10", "b:t1@20");
    assertThat(timers.currentInputWatermarkTime()).isEqualTo(new Instant(25));
    timers.advanceInputWatermark(Long.MAX_VALUE);
    assertThat(fired).containsExactly("a:t2@10", "b:t1@20", "a:t1@30");
    assertThat(timers.currentInputWatermarkTime()).isEqualTo(BoundedWindow.TIMESTAMP_MAX_VALUE);
    assertThat(timers.numberOfTimers()).isZero();
  }

  @Test
  void shouldShowEachFiringTimersTimeAsTheInputWatermarkWhileAJumpFiresThem() throws Exception {
    List<Instant> seen = new ArrayList<>();
    timers.setHandler(t -> seen.add(timers.currentInputWatermarkTime()));
    key("a");
    setEventTimer("end", W1, 9);
    setEventTimer("gc", W2, 1_000);
    timers.advanceInputWatermark(Long.MAX_VALUE);
    // Strictly after each timer's own time (Beam fires once time is after it), not the final watermark.
    assertThat(seen).containsExactly(new Instant(10), new Instant(1_001));
    assertThat(timers.currentInputWatermarkTime()).isEqualTo(BoundedWindow.TIMESTAMP_MAX_VALUE);
  }

  @Test
  void shouldReplaceATimerSetAgainWithTheSameIdAndKeepOtherNamespacesApart() throws Exception {
    key("a");
    setEventTimer("t", W1, 10);
    setEventTimer("t", W1, 50);
    setEventTimer("t", W2, 15);
    timers.advanceInputWatermark(20);
    assertThat(fired).containsExactly("a:t@15");
    timers.advanceInputWatermark(60);
    assertThat(fired).containsExactly("a:t@15", "a:t@50");
  }

  @Test
  void shouldReplaceAcrossTimeDomainsAndDelete() throws Exception {
    key("a");
    setEventTimer("t", W1, 10);
    timers.setTimer(W1, "t", "", new Instant(1_000), new Instant(10), TimeDomain.PROCESSING_TIME);
    setEventTimer("gone", W1, 5);
    timers.deleteTimer(W1, "gone", "");
    timers.advanceInputWatermark(100);
    assertThat(fired).isEmpty();
    timers.scheduleProcessingTimeWakeUp();
    time.advance(1_000); // Beam timers fire when time is strictly after them
    assertThat(fired).isEmpty();
    time.advance(1_001);
    assertThat(fired).containsExactly("a:t@1000");
    assertThat(timers.numberOfTimers()).isZero();
  }

  @Test
  void shouldFireSynchronizedProcessingTimersOneBufferTimeoutLate() throws Exception {
    key("a");
    timers.setTimer(TimerData.of("s", W1, new Instant(1_000), new Instant(0), TimeDomain.SYNCHRONIZED_PROCESSING_TIME));
    timers.setTimer(TimerData.of("p", W1, new Instant(1_000), new Instant(0), TimeDomain.PROCESSING_TIME));
    timers.scheduleProcessingTimeWakeUp();
    time.advance(1_001);
    assertThat(fired).containsExactly("a:p@1000");
    time.advance(1_000 + SluiceTimerInternals.SYNCHRONIZED_PROCESSING_TIME_LAG_MS);
    assertThat(fired).containsExactly("a:p@1000");
    time.advance(1_001 + SluiceTimerInternals.SYNCHRONIZED_PROCESSING_TIME_LAG_MS);
    assertThat(fired).containsExactly("a:p@1000", "a:s@1000");
  }

  @Test
  void shouldMoveSynchronizedProcessingTimeOnlyOnInputAndWhenItsTimersFire() throws Exception {
    key("a");
    time.advance(500);
    timers.onInput();
    assertThat(timers.currentSynchronizedProcessingTime()).isEqualTo(new Instant(500));
    // The clock moves while an element is processed; synchronized time does not, so a
    // continuation trigger that took it as its target cannot already be past it.
    time.now = 503;
    assertThat(timers.currentSynchronizedProcessingTime()).isEqualTo(new Instant(500));
    assertThat(timers.currentProcessingTime()).isEqualTo(new Instant(503));
    timers.setTimer(TimerData.of("s", W1, new Instant(500), new Instant(0), TimeDomain.SYNCHRONIZED_PROCESSING_TIME));
    timers.setHandler(t -> {
      assertThat(timers.currentSynchronizedProcessingTime()).isGreaterThan(t.getTimestamp());
      fired.add(currentKey() + ":" + t.getTimerId() + "@" + t.getTimestamp().getMillis());
    });
    timers.scheduleProcessingTimeWakeUp();
    time.advance(501 + SluiceTimerInternals.SYNCHRONIZED_PROCESSING_TIME_LAG_MS);
    assertThat(fired).containsExactly("a:s@500");
    assertThat(timers.currentSynchronizedProcessingTime()).isEqualTo(new Instant(501));
    // It never goes back: input at an earlier clock reading (not possible, but harmless) keeps it.
    time.now = 400;
    timers.onInput();
    assertThat(timers.currentSynchronizedProcessingTime()).isEqualTo(new Instant(501));
  }

  @Test
  void shouldAskForOneWakeUpAtTheEarliestProcessingTimer() throws Exception {
    key("a");
    timers.setTimer(TimerData.of("p1", W1, new Instant(500), new Instant(0), TimeDomain.PROCESSING_TIME));
    timers.scheduleProcessingTimeWakeUp();
    timers.setTimer(TimerData.of("p2", W1, new Instant(200), new Instant(0), TimeDomain.PROCESSING_TIME));
    timers.scheduleProcessingTimeWakeUp();
    timers.scheduleProcessingTimeWakeUp();
    assertThat(time.pending.keySet()).containsExactly(201L, 501L);
    time.advance(600);
    assertThat(fired).containsExactly("a:p2@200", "a:p1@500");
    assertThat(timers.currentProcessingTime()).isEqualTo(new Instant(600));
    // No input since it was created: synchronized processing time has not moved.
    assertThat(timers.currentSynchronizedProcessingTime()).isEqualTo(new Instant(0));
  }

  @Test
  void shouldLetAFiringTimerSetTheNextOne() throws Exception {
    timers.setHandler(t -> {
      fired.add(t.getTimerId() + "@" + t.getTimestamp().getMillis());
      if (t.getTimestamp().getMillis() < 30) {
        setEventTimer(t.getTimerId(), t.getNamespace(), t.getTimestamp().getMillis() + 10);
      }
    });
    key("a");
    setEventTimer("loop", W1, 10);
    timers.advanceInputWatermark(100);
    assertThat(fired).containsExactly("loop@10", "loop@20", "loop@30");
  }

  @Test
  void shouldKeepTheOutputWatermarkMonotonic() {
    timers.setOutputWatermark(10);
    timers.setOutputWatermark(5);
    assertThat(timers.currentOutputWatermarkTime()).isEqualTo(new Instant(10));
    assertThat(timers.currentInputWatermarkTime()).isEqualTo(BoundedWindow.TIMESTAMP_MIN_VALUE);
  }

  @Test
  void shouldHoldTheOutputTimestampsOfPendingTimers() throws Exception {
    key("a");
    timers.setTimer(W1, "t", "", new Instant(50), new Instant(20), TimeDomain.EVENT_TIME);
    timers.setTimer(W2, "t", "", new Instant(60), new Instant(30), TimeDomain.EVENT_TIME);
    assertThat(timers.outputHolds().earliest()).isEqualTo(20);
    timers.setTimer(W1, "t", "", new Instant(50), new Instant(40), TimeDomain.EVENT_TIME); // replaces
    assertThat(timers.outputHolds().earliest()).isEqualTo(30);
    timers.deleteTimer(W2, "t", "");
    assertThat(timers.outputHolds().earliest()).isEqualTo(40);
    timers.advanceInputWatermark(51);
    assertThat(fired).containsExactly("a:t@50");
    assertThat(timers.outputHolds().size()).isZero();
  }

  /** Processing time that moves only when told; callbacks run on the caller. */
  private static final class ManualTime implements ProcessingTimeService {
    final TreeMap<Long, List<ProcessingTimeCallback>> pending = new TreeMap<>();
    long now;

    @Override
    public long currentTime() {
      return now;
    }

    @Override
    public Cancellable registerTimer(long at, ProcessingTimeCallback callback) {
      pending.computeIfAbsent(at, t -> new ArrayList<>()).add(callback);
      return () -> pending.getOrDefault(at, new ArrayList<>()).remove(callback);
    }

    void advance(long to) throws Exception {
      now = to;
      while (!pending.isEmpty() && pending.firstKey() <= to) {
        var entry = pending.pollFirstEntry();
        for (ProcessingTimeCallback c : entry.getValue()) {
          c.onProcessingTime(entry.getKey());
        }
      }
    }
  }
}
