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

  private JobConfig() {}

  public static long getLong(Map<String, String> config, String key, long defaultValue) {
    String v = config.get(key);
    return v == null ? defaultValue : Long.parseLong(v);
  }
}
