package dev.sluice.runner.translation.state;

import dev.sluice.engine.api.ProcessingTimeService;
import dev.sluice.engine.api.Watermarks;
import dev.sluice.engine.graph.JobConfig;
import dev.sluice.engine.state.InternalTimer;
import dev.sluice.engine.state.InternalTimerService;
import dev.sluice.engine.state.KeyedStateBackend;
import dev.sluice.engine.state.MapState;
import dev.sluice.engine.state.MapStateDescriptor;
import dev.sluice.engine.state.Triggerable;
import dev.sluice.runner.translation.serde.CoderTypeSerializer;
import dev.sluice.runner.translation.serde.EncodedKey;
import dev.sluice.runner.translation.serde.StringSerializer;
import java.util.Objects;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * Beam runners-core {@link TimerInternals} over the engine's {@link InternalTimerService}.
 *
 * <p>Beam identifies a timer by (namespace, timer id, timer family id); the engine by (key,
 * namespace, timestamp). So each Beam timer gets an id string built from its three parts; the
 * engine timer's namespace is that id, and a per-key map state {@value #TIMERS_STATE} holds the
 * current {@link TimerData} of each id. Setting a timer again with the same id deletes the
 * engine timer at the old timestamp first (so it replaces it, also across time domains);
 * deleting removes both. When an engine timer fires, the TimerData of its id is removed and
 * handed to the {@link FiredTimerHandler}, with the backend's current key set to the timer's key.
 *
 * <p>Beam fires a timer once time is strictly after its timestamp (runners-core's triggers
 * check {@code isAfter}); the engine once time is at or after it. So engine timers are
 * registered one millisecond after the Beam timestamp ({@link #engineTime}).
 *
 * <p>Time: the input watermark is what the operator passed to {@link #advanceInputWatermark};
 * the output watermark what it passed to {@link #setOutputWatermark}; processing time (and
 * synchronized processing time) comes from the task's {@link ProcessingTimeService}. Processing-
 * time timers fire from a processing-time callback: {@link #scheduleProcessingTimeWakeUp()}
 * asks the service for a call at the earliest pending processing-time timer.
 *
 * <p>Output holds: the output timestamp of every pending timer is kept in a
 * {@link WatermarkHoldTracker} (in memory), so that the operator does not advance its output
 * watermark past output that a timer may still produce.
 *
 * <p>Mailbox thread only.
 */
public final class SluiceTimerInternals implements TimerInternals, Triggerable<EncodedKey, String> {

  static final String TIMERS_STATE = "__beam_timers";
  /**
   * How much later than their timestamp synchronized processing-time timers fire. They drive
   * continuation triggers (a GroupByKey downstream of a processing-time-triggered one), which
   * should fire once what the upstream firing produced has arrived. An upstream task flushes its
   * output at the latest after the exchange's buffer timeout (by default this long), so by then
   * the elements and the watermark of one upstream firing are in; firing at once could split
   * them, e.g. emit an on-time upstream pane as an extra early pane just before its watermark.
   * See {@link #currentSynchronizedProcessingTime()} for why the clock itself is not read.
   */
  static final long SYNCHRONIZED_PROCESSING_TIME_LAG_MS = JobConfig.DEFAULT_BUFFER_TIMEOUT_MS;
  private static final String TIMER_SERVICE = "__beam_timer_service";
  private static final String NO_NAMESPACE = "";
  /** log2 of the slots of the timer-id cache. */
  private static final int ID_SLOT_BITS = 10;

  /** Receives fired timers; the backend's current key is the timer's key. */
  @FunctionalInterface
  public interface FiredTimerHandler {
    void onTimer(TimerData timer) throws Exception;
  }

  private final KeyedStateBackend<EncodedKey> backend;
  private final ProcessingTimeService processingTimeService;
  private final MapStateDescriptor<String, TimerData> timersDescriptor;
  private final InternalTimerService<String> timerService;
  /** Output timestamps of pending timers: they hold the operator's output watermark. */
  private final WatermarkHoldTracker outputHolds;
  private final NamespaceKeys namespaceKeys = new NamespaceKeys();
  /**
   * Recent timer ids, direct-mapped by (namespace key instance, timer id, family id): ReduceFnRunner
   * and the triggers set and delete a window's few timers on every element, and a cached id is
   * the same String, its hash already computed, which the timers map then finds by identity.
   */
  private final String[] ids = new String[1 << ID_SLOT_BITS];
  private final String[] idNamespaces = new String[1 << ID_SLOT_BITS];
  private final String[] idTimerIds = new String[1 << ID_SLOT_BITS];
  private final String[] idFamilyIds = new String[1 << ID_SLOT_BITS];
  private MapState<String, TimerData> timers;
  private AfterProcessingTimeTimers afterProcessingTimeTimers = () -> {};
  private FiredTimerHandler handler = timer -> {
    throw new IllegalStateException("No handler for fired timer " + timer);
  };
  private long inputWatermark = Watermarks.MIN;
  private long outputWatermark = Watermarks.MIN;
  /** The time of the earliest processing-time callback requested and not yet run. */
  private long scheduledWakeUp = Long.MAX_VALUE;
  /** Synchronized processing time: moves only on input and when synchronized timers fire. */
  private long synchronizedProcessingTime;

  /** Runs after the timers due at a processing-time wake-up fired (e.g. to finish a bundle). */
  @FunctionalInterface
  public interface AfterProcessingTimeTimers {
    void run() throws Exception;
  }

  public SluiceTimerInternals(
      KeyedStateBackend<EncodedKey> backend,
      Coder<? extends BoundedWindow> windowCoder,
      ProcessingTimeService processingTimeService) {
    this(backend, windowCoder, processingTimeService, new WatermarkHoldTracker());
  }

  /**
   * @param outputHolds where the output timestamps of pending timers are tracked (may be shared
   *     with the state's watermark holds: the operator's output watermark respects both)
   */
  public SluiceTimerInternals(
      KeyedStateBackend<EncodedKey> backend,
      Coder<? extends BoundedWindow> windowCoder,
      ProcessingTimeService processingTimeService,
      WatermarkHoldTracker outputHolds) {
    this.outputHolds = Objects.requireNonNull(outputHolds);
    this.backend = Objects.requireNonNull(backend);
    this.processingTimeService = Objects.requireNonNull(processingTimeService);
    this.timersDescriptor = new MapStateDescriptor<>(
        TIMERS_STATE, new StringSerializer(), new CoderTypeSerializer<>(TimerDataCoderV2.of(windowCoder)));
    this.timerService = backend.timerService(TIMER_SERVICE, new StringSerializer(), this);
    this.synchronizedProcessingTime = processingTimeService.currentTime();
  }

  public void setHandler(FiredTimerHandler handler) {
    this.handler = Objects.requireNonNull(handler);
  }

  public void setAfterProcessingTimeTimers(AfterProcessingTimeTimers hook) {
    this.afterProcessingTimeTimers = Objects.requireNonNull(hook);
  }

  /** The output timestamps of pending timers (and whatever else shares the tracker). */
  public WatermarkHoldTracker outputHolds() {
    return outputHolds;
  }

  /** The per-key map from timer id to TimerData: a view that follows the backend's current key. */
  private MapState<String, TimerData> timers() {
    if (timers == null) {
      timers = backend.getState(timersDescriptor, new StringSerializer(), NO_NAMESPACE);
    }
    return timers;
  }

  private String id(StateNamespace namespace, String timerId, String timerFamilyId) {
    String ns = namespaceKeys.of(namespace);
    int h = (System.identityHashCode(ns) * 31 + timerId.hashCode()) * 31 + timerFamilyId.hashCode();
    int slot = (h * 0x9E3779B9) >>> (32 - ID_SLOT_BITS);
    String id = ids[slot];
    if (id != null && idNamespaces[slot] == ns && timerId.equals(idTimerIds[slot])
        && timerFamilyId.equals(idFamilyIds[slot])) {
      return id;
    }
    id = timerFamilyId + '\u0000' + timerId + '\u0000' + ns;
    ids[slot] = id;
    idNamespaces[slot] = ns;
    idTimerIds[slot] = timerId;
    idFamilyIds[slot] = timerFamilyId;
    return id;
  }

  @Override
  public void setTimer(
      StateNamespace namespace, String timerId, String timerFamilyId, Instant target, Instant outputTimestamp,
      TimeDomain timeDomain) {
    setTimer(TimerData.of(timerId, timerFamilyId, namespace, target, outputTimestamp, timeDomain));
  }

  @Override
  public void setTimer(TimerData timer) {
    String id = id(timer.getNamespace(), timer.getTimerId(), timer.getTimerFamilyId());
    MapState<String, TimerData> timers = timers();
    TimerData previous = timers.get(id);
    if (previous != null) {
      if (previous.equals(timer)) {
        // ReduceFnRunner sets a window's end-of-window and garbage-collection timers again for
        // every element: replacing a timer by an equal one would change nothing.
        return;
      }
      deleteEngineTimer(id, previous);
      outputHolds.remove(previous.getOutputTimestamp().getMillis());
    }
    timers.put(id, timer);
    outputHolds.add(timer.getOutputTimestamp().getMillis());
    long ts = engineTime(timer);
    if (timer.getDomain() == TimeDomain.EVENT_TIME) {
      timerService.registerEventTimeTimer(id, ts);
    } else {
      timerService.registerProcessingTimeTimer(id, ts);
    }
  }

  @Override
  public void deleteTimer(StateNamespace namespace, String timerId, String timerFamilyId, TimeDomain timeDomain) {
    deleteTimer(namespace, timerId, timerFamilyId);
  }

  @Override
  public void deleteTimer(StateNamespace namespace, String timerId, String timerFamilyId) {
    String id = id(namespace, timerId, timerFamilyId);
    MapState<String, TimerData> timers = timers();
    TimerData previous = timers.get(id);
    if (previous != null) {
      deleteEngineTimer(id, previous);
      outputHolds.remove(previous.getOutputTimestamp().getMillis());
      timers.remove(id);
    }
  }

  @Override
  public void deleteTimer(TimerData timer) {
    deleteTimer(timer.getNamespace(), timer.getTimerId(), timer.getTimerFamilyId());
  }

  /**
   * When the engine should fire a Beam timer: just after its timestamp (see class comment);
   * synchronized processing-time timers {@link #SYNCHRONIZED_PROCESSING_TIME_LAG_MS} later.
   */
  private static long engineTime(TimerData timer) {
    long ts = timer.getTimestamp().getMillis();
    if (ts == Long.MAX_VALUE) {
      return ts;
    }
    return timer.getDomain() == TimeDomain.SYNCHRONIZED_PROCESSING_TIME ? ts + 1 + SYNCHRONIZED_PROCESSING_TIME_LAG_MS : ts + 1;
  }

  private void deleteEngineTimer(String id, TimerData timer) {
    long ts = engineTime(timer);
    if (timer.getDomain() == TimeDomain.EVENT_TIME) {
      timerService.deleteEventTimeTimer(id, ts);
    } else {
      timerService.deleteProcessingTimeTimer(id, ts);
    }
  }

  @Override
  public Instant currentProcessingTime() {
    return new Instant(processingTimeService.currentTime());
  }

  /**
   * The processing time as of the last input (see {@link #onInput()}) or the last synchronized
   * timer that fired, not the clock. A continuation trigger takes the synchronized time when an
   * element arrives as its target and fires once that time is after it; were it the clock, it
   * would move while the element is processed and the trigger would fire at once, before the
   * watermark that the upstream task sent right behind the element is read (an upstream on-time
   * pane would become an extra early pane). Frozen between inputs, it only passes the target
   * when the synchronized timer fires, {@link #SYNCHRONIZED_PROCESSING_TIME_LAG_MS} later.
   */
  @Override
  public Instant currentSynchronizedProcessingTime() {
    return new Instant(synchronizedProcessingTime);
  }

  /** Input arrived: synchronized processing time catches up with the clock. Call before processing it. */
  public void onInput() {
    synchronizedProcessingTime = Math.max(synchronizedProcessingTime, processingTimeService.currentTime());
  }

  @Override
  public Instant currentInputWatermarkTime() {
    return toBeam(inputWatermark);
  }

  @Override
  public Instant currentOutputWatermarkTime() {
    return toBeam(outputWatermark);
  }

  /** Engine watermarks beyond Beam's timestamp range map to its bounds. */
  private static Instant toBeam(long watermark) {
    if (watermark <= BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis()) {
      return BoundedWindow.TIMESTAMP_MIN_VALUE;
    }
    if (watermark >= BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis()) {
      return BoundedWindow.TIMESTAMP_MAX_VALUE;
    }
    return new Instant(watermark);
  }

  /**
   * Fires every event-time timer at or before {@code watermark}, in timestamp order, then sets
   * the input watermark to it. While a timer fires, the input watermark reads as that timer's
   * time, not the new watermark: a jump (e.g. to +infinity at the end of input) passes a window's
   * end and its garbage-collection time at once, and ReduceFnRunner, seeing the final watermark
   * at the end-of-window timer, would take it for garbage collection, emit the final pane and
   * clear the window, and then at the garbage-collection timer find a fresh window and emit a
   * second, empty ON_TIME pane. Moving through the timers' times keeps one ON_TIME pane.
   */
  public void advanceInputWatermark(long watermark) throws Exception {
    long target = Math.max(inputWatermark, watermark);
    timerService.advanceWatermark(target);
    inputWatermark = target;
  }

  /** Fires every processing-time timer at or before {@code time}. */
  public void advanceProcessingTime(long time) throws Exception {
    timerService.advanceProcessingTime(time);
  }

  public void setOutputWatermark(long watermark) {
    outputWatermark = Math.max(outputWatermark, watermark);
  }

  public long inputWatermark() {
    return inputWatermark;
  }

  /** Number of pending engine timers, all keys and domains. */
  public int numberOfTimers() {
    return timerService.numberOfTimers();
  }

  /**
   * Requests a processing-time callback at the earliest pending processing-time timer, unless
   * an earlier one is already requested. Call after processing anything that may set timers.
   */
  public void scheduleProcessingTimeWakeUp() {
    long next = timerService.nextProcessingTime();
    if (next == Long.MAX_VALUE || next >= scheduledWakeUp) {
      return;
    }
    scheduledWakeUp = next;
    processingTimeService.registerTimer(next, time -> {
      if (time >= scheduledWakeUp) {
        scheduledWakeUp = Long.MAX_VALUE;
      }
      timerService.advanceProcessingTime(Math.max(time, processingTimeService.currentTime()));
      afterProcessingTimeTimers.run();
      scheduleProcessingTimeWakeUp();
    });
  }

  @Override
  public void onEventTime(InternalTimer<EncodedKey, String> timer) throws Exception {
    inputWatermark = Math.max(inputWatermark, timer.timestamp());
    fire(timer, true);
  }

  @Override
  public void onProcessingTime(InternalTimer<EncodedKey, String> timer) throws Exception {
    fire(timer, false);
  }

  private void fire(InternalTimer<EncodedKey, String> timer, boolean eventTime) throws Exception {
    MapState<String, TimerData> timers = timers();
    TimerData data = timers.get(timer.namespace());
    if (data == null
        || engineTime(data) != timer.timestamp()
        || (data.getDomain() == TimeDomain.EVENT_TIME) != eventTime) {
      return; // replaced or deleted after the engine timer was registered
    }
    timers.remove(timer.namespace());
    outputHolds.remove(data.getOutputTimestamp().getMillis());
    if (data.getDomain() == TimeDomain.SYNCHRONIZED_PROCESSING_TIME) {
      // The engine fired it LAG after its timestamp: synchronized time is now past the timestamp.
      synchronizedProcessingTime = Math.max(
          synchronizedProcessingTime,
          Math.max(data.getTimestamp().getMillis() + 1, processingTimeService.currentTime() - SYNCHRONIZED_PROCESSING_TIME_LAG_MS));
    }
    handler.onTimer(data);
  }
}
