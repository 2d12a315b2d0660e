package dev.sluice.engine.state;

/**
 * Keyed, namespaced event-time and processing-time timers, kept and snapshotted by the keyed
 * state backend (partitioned by key group like all keyed state).
 *
 * <p>Registration and deletion act on the backend's current key. A timer is identified by
 * (key, namespace, timestamp): registering it again is a no-op, deleting an absent timer too.
 * A timer is removed from the service before its callback runs, so it fires exactly once;
 * the callback may register and delete timers (a new timer that is already due fires in the
 * same {@code advance…} call).
 *
 * <p>The service does not schedule anything by itself: the owner feeds it watermarks and
 * processing time ({@link #advanceWatermark}, {@link #advanceProcessingTime}) and uses
 * {@link #nextProcessingTime()} to ask the task's processing time service for a wake-up.
 *
 * <p>Mailbox thread only.
 */
public interface InternalTimerService<N> {

  /** The last watermark passed to {@link #advanceWatermark}; {@code Long.MIN_VALUE} at first. */
  long currentWatermark();

  void registerEventTimeTimer(N namespace, long timestamp);

  void deleteEventTimeTimer(N namespace, long timestamp);

  void registerProcessingTimeTimer(N namespace, long timestamp);

  void deleteProcessingTimeTimer(N namespace, long timestamp);

  /**
   * Fires every event-time timer with {@code timestamp <= watermark}, in timestamp order
   * (timers with equal timestamps in unspecified order), setting the backend's current key
   * before each callback. The current key is left at the last fired timer's key.
   */
  void advanceWatermark(long watermark) throws Exception;

  /** Fires every processing-time timer with {@code timestamp <= time}, like advanceWatermark. */
  void advanceProcessingTime(long time) throws Exception;

  /** The smallest pending processing-time timestamp, or {@code Long.MAX_VALUE} if none. */
  long nextProcessingTime();

  /** The smallest pending event-time timestamp, or {@code Long.MAX_VALUE} if none. */
  long nextEventTime();

  /** Number of pending timers of both domains, for all keys. */
  int numberOfTimers();
}
