package dev.sluice.engine.api;

import java.io.Serializable;

/**
 * Extracts the key of a record for HASH partitioning and keyed state. The key's
 * {@code hashCode} and {@code equals} must be deterministic across JVMs (compare encoded bytes,
 * not object identity): the key group is {@code KeyGroupRange.assign(key.hashCode(), max)}.
 */
@FunctionalInterface
public interface KeySelector extends Serializable {
  Object getKey(Object value) throws Exception;
}
