package dev.sluice.engine.state;

import java.util.Map;

/**
 * A map per key and namespace. Map keys need deterministic {@code equals}/{@code hashCode} (a
 * RocksDB backend compares their encoded bytes). Values must not be null. Iteration order is
 * unspecified; the iterables are a copy taken at the call.
 */
public interface MapState<UK, UV> extends State {

  /** The value for {@code key}, or null. */
  UV get(UK key);

  void put(UK key, UV value);

  void putAll(Map<UK, UV> entries);

  void remove(UK key);

  boolean contains(UK key);

  Iterable<Map.Entry<UK, UV>> entries();

  Iterable<UK> keys();

  Iterable<UV> values();

  boolean isEmpty();
}
