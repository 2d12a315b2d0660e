package dev.sluice.engine.state;

/** A single value per key and namespace. */
public interface ValueState<V> extends State {

  /** The value, or null if none was set. */
  V value();

  /** Sets the value; null is the same as {@link #clear()}. */
  void update(V value);
}
