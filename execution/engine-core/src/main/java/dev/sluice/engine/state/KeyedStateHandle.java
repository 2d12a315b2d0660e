package dev.sluice.engine.state;

import dev.sluice.engine.api.KeyGroupRange;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;

/**
 * The snapshot of the keyed state of one subtask: for each key group of its range, one byte
 * stream in {@link KeyGroupStateFormat}. Restoring hands a new backend every handle whose range
 * intersects its own, and the backend reads only its key groups; this is what lets a job be
 * restored at another parallelism.
 *
 * <p>The handle is metadata plus a way to open the streams; it may be Java-serialized for
 * transport (e.g. in a checkpoint acknowledgement), but the state in the streams never is.
 */
public interface KeyedStateHandle extends Serializable {

  /** The checkpoint this snapshot belongs to (checkpoint ids strictly increase per job). */
  long checkpointId();

  KeyGroupRange keyGroupRange();

  /**
   * Opens the stream of one key group, or returns null if that key group held no state or lies
   * outside {@link #keyGroupRange()}. The caller closes the stream.
   */
  InputStream openKeyGroup(int keyGroup) throws IOException;

  /** Total size of the state in bytes (for metrics and logs). */
  long stateSize();
}
