/**
 * {@link dev.sluice.engine.serde.TypeSerializer}: how values become bytes on exchanges, in
 * state and in spill files. The engine never sees a Beam coder.
 */
package dev.sluice.engine.serde;
