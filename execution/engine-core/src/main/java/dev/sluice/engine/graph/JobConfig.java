package dev.sluice.engine.graph;

import java.util.Map;

/** Keys of {@link JobGraph#config()} the engine understands, with their defaults. */
public final class JobConfig {

  /** Longest time (ms) a partly filled output buffer waits before it is sent. */
  public static final String BUFFER_TIMEOUT_MS = "sluice.buffer.timeout.ms";
  public static final long DEFAULT_BUFFER_TIMEOUT_MS = 20;

  /** Bytes each operator may buffer before spilling (batch grouping, pushed-back input). */
  public static final String MANAGED_MEMORY_PER_OPERATOR = "sluice.managed.memory.per.operator.bytes";
  public static final long DEFAULT_MANAGED_MEMORY_PER_OPERATOR = 32L << 20;

  /**
   * Where operators get processing time from: {@value #PROCESSING_TIME_WALL_CLOCK} (the default)
   * or {@value #PROCESSING_TIME_SYNTHETIC}. Synthetic processing time starts at
   * {@link #SYNTHETIC_PROCESSING_TIME_START} and moves only when a source emits it
   * ({@code Output#emitProcessingTime}); it travels in-band through the job, and every task
   * fires its due processing-time timers before it passes the new time on. Used to replay
   * test streams deterministically and fast. Other sources of such a job must be bounded: a
   * task waits for every channel that has not ended before its clock moves, and a source's own
   * timers (e.g. a poll back-off) would wait for a clock that only the driving source moves.
   */
  public static final String PROCESSING_TIME_MODE = "sluice.processing.time.mode";
  public static final String PROCESSING_TIME_WALL_CLOCK = "wall-clock";
  public static final String PROCESSING_TIME_SYNTHETIC = "synthetic";
  /** Epoch millis that synthetic processing time starts at, in every task. */
  public static final String SYNTHETIC_PROCESSING_TIME_START = "sluice.processing.time.synthetic.start";
  public static final long DEFAULT_SYNTHETIC_PROCESSING_TIME_START = 0;

  private JobConfig() {}

  /** Whether the job runs on synthetic processing time (see {@link #PROCESSING_TIME_MODE}). */
  public static boolean syntheticProcessingTime(Map<String, String> config) {
    String mode = config.getOrDefault(PROCESSING_TIME_MODE, PROCESSING_TIME_WALL_CLOCK);
    return switch (mode) {
      case PROCESSING_TIME_WALL_CLOCK -> false;
      case PROCESSING_TIME_SYNTHETIC -> true;
      default -> throw new IllegalArgumentException("Unknown " + PROCESSING_TIME_MODE + " '" + mode + "'; expected "
          + PROCESSING_TIME_WALL_CLOCK + " or " + PROCESSING_TIME_SYNTHETIC);
    };
  }

  public static long getLong(Map<String, String> config, String key, long defaultValue) {
    String v = config.get(key);
    return v == null ? defaultValue : Long.parseLong(v);
  }
}
