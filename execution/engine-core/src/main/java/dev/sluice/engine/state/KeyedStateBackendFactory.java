package dev.sluice.engine.state;

import dev.sluice.engine.api.KeyGroupRange;
import dev.sluice.engine.serde.TypeSerializer;
import java.io.IOException;
import java.io.Serializable;
import java.util.Collection;

/**
 * Creates the keyed state backend of a subtask: the one choice (heap or RocksDB) a job makes
 * about where its state lives. Serializable so that it can travel with the job's configuration.
 */
public interface KeyedStateBackendFactory extends Serializable {

  /**
   * @param name names the backend in errors and logs, e.g. {@code "GroupByKey (3/8)"}
   * @param maxParallelism the job's number of key groups
   * @param keyGroupRange the key groups the subtask owns
   * @param restoreHandles the snapshots to restore from (e.g. the handles of all subtasks of the
   *     checkpoint); the backend reads only its key groups. Empty for a fresh start.
   */
  <K> KeyedStateBackend<K> createKeyedStateBackend(
      String name,
      TypeSerializer<K> keySerializer,
      int maxParallelism,
      KeyGroupRange keyGroupRange,
      Collection<? extends KeyedStateHandle> restoreHandles)
      throws IOException;
}
