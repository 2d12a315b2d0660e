package dev.sluice.engine.state;

import java.util.List;

/**
 * An ordered list of values per key and namespace; also serves as a bag (Beam's BagState), for
 * which the order is simply not relied upon. Elements must not be null.
 */
public interface ListState<V> extends State {

  /**
   * The elements in insertion order, as of this call: later changes to the state are not seen
   * through the returned iterable. Empty, never null, when nothing was added.
   */
  Iterable<V> get();

  void add(V value);

  void addAll(List<V> values);

  /** Replaces the elements; an empty list clears the state. */
  void update(List<V> values);

  boolean isEmpty();
}
