package dev.sluice.engine.state.heap;

import dev.sluice.engine.api.KeyGroupRange;
import dev.sluice.engine.serde.TypeSerializer;
import dev.sluice.engine.state.KeyedStateBackend;
import dev.sluice.engine.state.KeyedStateBackendFactory;
import dev.sluice.engine.state.KeyedStateHandle;
import java.io.IOException;
import java.util.Collection;

/** Creates {@link HeapKeyedStateBackend}s. Stateless; use {@link #INSTANCE}. */
public final class HeapKeyedStateBackendFactory implements KeyedStateBackendFactory {

  public static final HeapKeyedStateBackendFactory INSTANCE = new HeapKeyedStateBackendFactory();

  private static final long serialVersionUID = 1L;

  private HeapKeyedStateBackendFactory() {}

  @Override
  public <K> KeyedStateBackend<K> createKeyedStateBackend(
      String name,
      TypeSerializer<K> keySerializer,
      int maxParallelism,
      KeyGroupRange keyGroupRange,
      Collection<? extends KeyedStateHandle> restoreHandles)
      throws IOException {
    return new HeapKeyedStateBackendBuilder<>(keySerializer, maxParallelism, keyGroupRange)
        .setName(name)
        .setRestoreHandles(restoreHandles)
        .build();
  }

  private Object readResolve() {
    return INSTANCE;
  }
}
