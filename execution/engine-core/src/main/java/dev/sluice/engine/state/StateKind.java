package dev.sluice.engine.state;

/**
 * What an entry of a key group snapshot holds. The byte code is part of the snapshot format
 * ({@link KeyGroupStateFormat}): never renumber.
 */
public enum StateKind {
  VALUE(1),
  LIST(2),
  MAP(3),
  EVENT_TIME_TIMERS(4),
  PROCESSING_TIME_TIMERS(5);

  private final int code;

  StateKind(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** Keyed value/list/map state, as opposed to timers. Those share one name space. */
  public boolean isKeyedState() {
    return this == VALUE || this == LIST || this == MAP;
  }

  public static StateKind fromCode(int code) {
    for (StateKind kind : values()) {
      if (kind.code == code) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "Unknown state kind code " + code + " in a snapshot: written by a newer version?");
  }
}
