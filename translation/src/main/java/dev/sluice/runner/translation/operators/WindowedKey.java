package dev.sluice.runner.translation.operators;

import dev.sluice.runner.translation.serde.EncodedKey;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;

/** A key by its encoding, in one window: the unit of combining. Windows must implement equals/hashCode (Beam requires it). */
record WindowedKey(EncodedKey key, BoundedWindow window) {}
