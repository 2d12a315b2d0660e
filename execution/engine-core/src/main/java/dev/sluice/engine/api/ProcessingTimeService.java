package dev.sluice.engine.api;

/** Processing time for operators. Callbacks run on the mailbox thread. */
public interface ProcessingTimeService {

  /** Current processing time, epoch millis. */
  long currentTime();

  /**
   * Calls {@code callback} on the mailbox thread once processing time reaches {@code time}.
   * The returned handle cancels it; timers still pending when the task ends are dropped.
   */
  Cancellable registerTimer(long time, ProcessingTimeCallback callback);

  /**
   * True when the job runs on synthetic processing time (it moves only when the job's data says
   * so, e.g. a replayed TestStream; see {@code JobConfig#PROCESSING_TIME_MODE}). There a timer
   * for any time after now fires before the new time is forwarded downstream, so an operator that
   * holds data for a while can release it exactly before time moves by registering a timer one
   * millisecond ahead; on the wall clock that would fire every millisecond.
   */
  default boolean synthetic() {
    return false;
  }

  @FunctionalInterface
  interface ProcessingTimeCallback {
    void onProcessingTime(long time) throws Exception;
  }

  @FunctionalInterface
  interface Cancellable {
    void cancel();
  }
}
