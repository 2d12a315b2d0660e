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

  @FunctionalInterface
  interface ProcessingTimeCallback {
    void onProcessingTime(long time) throws Exception;
  }

  @FunctionalInterface
  interface Cancellable {
    void cancel();
  }
}
