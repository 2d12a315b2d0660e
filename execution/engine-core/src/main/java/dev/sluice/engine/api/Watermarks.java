package dev.sluice.engine.api;

/** Watermark and timestamp bounds used throughout the engine. */
public final class Watermarks {
  /** No data has been seen yet; also the timestamp of a record that carries none. */
  public static final long MIN = Long.MIN_VALUE;
  /** All data has been seen: sent when an input ends. */
  public static final long MAX = Long.MAX_VALUE;

  private Watermarks() {}
}
