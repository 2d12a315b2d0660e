package dev.sluice.engine.state.heap;

import dev.sluice.engine.api.KeyGroupRange;
import dev.sluice.engine.serde.TypeSerializer;
import dev.sluice.engine.state.KeyGroupStateFormat;
import dev.sluice.engine.state.KeyedStateHandle;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link HeapKeyedStateBackend}, restoring it from snapshot handles if given.
 *
 * <p>Restore reads, for each key group of the new backend's range, the stream of the one handle
 * whose range contains it; handles (and their key groups) outside the range are ignored. So the
 * handles of all subtasks of a previous run can be passed to every new subtask, whatever the old
 * and new parallelism. Entries stay raw bytes until the operator registers the state.
 */
public final class HeapKeyedStateBackendBuilder<K> {

  private static final Logger LOG = LoggerFactory.getLogger(HeapKeyedStateBackendBuilder.class);

  private final TypeSerializer<K> keySerializer;
  private final int maxParallelism;
  private final KeyGroupRange keyGroupRange;
  private String name = "keyed state backend";
  private final List<KeyedStateHandle> restoreHandles = new ArrayList<>();

  /**
   * @param maxParallelism the job's number of key groups
   * @param keyGroupRange the key groups the backend owns, within {@code [0, maxParallelism)}
   */
  public HeapKeyedStateBackendBuilder(
      TypeSerializer<K> keySerializer, int maxParallelism, KeyGroupRange keyGroupRange) {
    this.keySerializer = Objects.requireNonNull(keySerializer, "key serializer");
    this.maxParallelism = maxParallelism;
    this.keyGroupRange = Objects.requireNonNull(keyGroupRange, "key group range");
    if (maxParallelism <= 0) {
      throw new IllegalArgumentException("maxParallelism must be positive: " + maxParallelism);
    }
    if (keyGroupRange.start() < 0
        || keyGroupRange.end() >= maxParallelism
        || keyGroupRange.size() <= 0) {
      throw new IllegalArgumentException(
          "Key group range " + keyGroupRange + " is empty or not within [0, " + maxParallelism
              + ")");
    }
  }

  /** Names the backend in errors and logs; typically the task name. */
  public HeapKeyedStateBackendBuilder<K> setName(String name) {
    this.name = Objects.requireNonNull(name);
    return this;
  }

  /** Snapshots to restore from; may include handles of other key group ranges. */
  public HeapKeyedStateBackendBuilder<K> setRestoreHandles(
      Collection<? extends KeyedStateHandle> handles) {
    restoreHandles.clear();
    restoreHandles.addAll(handles);
    return this;
  }

  public HeapKeyedStateBackend<K> build() throws IOException {
    RestoredEntries restored = new RestoredEntries(keyGroupRange);
    long restoredBytes = 0;
    for (int keyGroup = keyGroupRange.start(); keyGroup <= keyGroupRange.end(); keyGroup++) {
      KeyedStateHandle owner = null;
      for (KeyedStateHandle handle : restoreHandles) {
        if (!handle.keyGroupRange().contains(keyGroup)) {
          continue;
        }
        if (owner != null) {
          throw new IllegalArgumentException(
              "Key group " + keyGroup + " is in two restore handles of " + name + ": " + owner
                  + " and " + handle + ". Pass the handles of one checkpoint only.");
        }
        owner = handle;
        try (InputStream in = handle.openKeyGroup(keyGroup)) {
          if (in == null) {
            continue;
          }
          for (KeyGroupStateFormat.Entry entry : KeyGroupStateFormat.read(in, keyGroup)) {
            restored.add(keyGroup, entry);
            restoredBytes += entry.payload().length;
          }
        }
      }
    }
    if (!restoreHandles.isEmpty()) {
      LOG.debug(
          "Restored {} bytes of keyed state for {} (key groups {}..{}) from {} handles",
          restoredBytes, name, keyGroupRange.start(), keyGroupRange.end(), restoreHandles.size());
    }
    return new HeapKeyedStateBackend<>(
        name, keySerializer, maxParallelism, keyGroupRange, restored);
  }
}
