package dev.sluice.runner.translation.serde;

import org.apache.beam.sdk.util.WindowedValue;

/**
 * One element of a streaming keyed operator's input as it leaves a {@link KeyedStreamSerializer}
 * exchange: the key as the bytes that partitioned it (and key the state backend), the decoded
 * key, and the windowed value without the key. The operator neither encodes the key again nor
 * takes a {@code KV} apart.
 */
public record KeyedElement(EncodedKey encodedKey, Object key, WindowedValue<?> value) {}
