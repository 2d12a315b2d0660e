package dev.sluice.runner.translation.serde;

/**
 * One element of a batch GroupByKey's input as it leaves the exchange: the encoded key and the
 * encoded {@code WindowedValue} of the value, both as the grouper stores them, so the element is
 * never decoded before grouping (see {@link KeyedWindowedValueSerializer}).
 */
public record KeyedBytes(byte[] key, byte[] windowedValue) {}
