package dev.sluice.engine.state;

/**
 * A timer: fires for {@code key} and {@code namespace} once its time domain reaches
 * {@code timestamp}. Timers are identified by all three: registering the same triple twice keeps
 * one timer.
 */
public interface InternalTimer<K, N> {

  K key();

  N namespace();

  long timestamp();
}
