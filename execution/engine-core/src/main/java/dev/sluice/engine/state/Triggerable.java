package dev.sluice.engine.state;

/**
 * Receives the timers of an {@link InternalTimerService}. Called on the mailbox thread with the
 * backend's current key already set to the timer's key, so state can be used directly.
 */
public interface Triggerable<K, N> {

  void onEventTime(InternalTimer<K, N> timer) throws Exception;

  void onProcessingTime(InternalTimer<K, N> timer) throws Exception;
}
