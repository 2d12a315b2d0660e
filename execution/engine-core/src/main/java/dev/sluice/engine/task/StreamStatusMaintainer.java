package dev.sluice.engine.task;

import dev.sluice.engine.network.RecordWriter;
import java.util.List;

/**
 * The stream status (active or idle) of one task's outputs, sent in-band on every output edge
 * when it changes. A task is idle when its source said so ({@code Output.markIdle}) or when
 * every input channel still open is idle; it becomes active again before it writes a record or
 * watermark, so a consumer never receives data from a producer it believes idle.
 *
 * <p>Tasks start active. Task thread only.
 */
final class StreamStatusMaintainer {

  private final List<RecordWriter> writers;
  private boolean idle;

  StreamStatusMaintainer(List<RecordWriter> writers) {
    this.writers = writers;
  }

  boolean isIdle() {
    return idle;
  }

  /** Switches the status, telling every consumer if it changed. */
  void setIdle(boolean idle) {
    if (this.idle == idle) {
      return;
    }
    this.idle = idle;
    for (RecordWriter w : writers) {
      w.broadcastStreamStatus(idle);
    }
  }
}
