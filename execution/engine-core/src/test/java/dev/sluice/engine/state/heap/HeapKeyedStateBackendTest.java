package dev.sluice.engine.state.heap;

import static dev.sluice.engine.state.TestSerializers.LONG;
import static dev.sluice.engine.state.TestSerializers.STRING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.engine.api.KeyGroupRange;
import dev.sluice.engine.state.KeyedStateBackendFactory;
import dev.sluice.engine.state.KeyedStateHandle;
import dev.sluice.engine.state.ListStateDescriptor;
import dev.sluice.engine.state.StateBackendContractTest;
import dev.sluice.engine.state.ValueStateDescriptor;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeapKeyedStateBackendTest extends StateBackendContractTest {

  @Override
  protected KeyedStateBackendFactory backendFactory() {
    return HeapKeyedStateBackendFactory.INSTANCE;
  }

  @Test
  void shouldRejectOverlappingRestoreHandles() throws Exception {
    KeyedStateHandle a = snapshotWithOneValue(1);
    KeyedStateHandle b = snapshotWithOneValue(2);
    assertThatThrownBy(
            () -> new HeapKeyedStateBackendBuilder<>(STRING, MAX_PARALLELISM, ALL)
                .setRestoreHandles(List.of(a, b))
                .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two restore handles");
  }

  @Test
  void shouldRejectRestoredStateRequestedAsOtherKind() throws Exception {
    KeyedStateHandle handle = snapshotWithOneValue(1);
    try (HeapKeyedStateBackend<String> restored =
        new HeapKeyedStateBackendBuilder<>(STRING, MAX_PARALLELISM, ALL)
            .setRestoreHandles(List.of(handle))
            .build()) {
      assertThatThrownBy(
              () -> restored.getState(new ListStateDescriptor<>("v", LONG), STRING, "ns"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("restored as VALUE");
    }
  }

  @Test
  void shouldRejectInvalidKeyGroupRange() {
    assertThatThrownBy(() -> new HeapKeyedStateBackendBuilder<>(STRING, 8, new KeyGroupRange(4, 8)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldFailAfterClose() throws Exception {
    HeapKeyedStateBackend<String> backend =
        new HeapKeyedStateBackendBuilder<>(STRING, MAX_PARALLELISM, ALL).build();
    backend.close();
    assertThatThrownBy(() -> backend.setCurrentKey("k"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void shouldWriteNothingForEmptyKeyGroups() throws Exception {
    try (HeapKeyedStateBackend<String> backend =
        new HeapKeyedStateBackendBuilder<>(STRING, MAX_PARALLELISM, ALL).build()) {
      backend.getState(new ValueStateDescriptor<>("v", LONG), STRING, "ns");
      KeyedStateHandle handle = backend.snapshot(1).run();
      assertThat(handle.stateSize()).isZero();
      assertThat(handle.openKeyGroup(0)).isNull();
    }
  }

  private static KeyedStateHandle snapshotWithOneValue(long checkpointId) throws Exception {
    try (HeapKeyedStateBackend<String> backend =
        new HeapKeyedStateBackendBuilder<>(STRING, MAX_PARALLELISM, ALL).build()) {
      backend.setCurrentKey("k");
      backend.getState(new ValueStateDescriptor<>("v", LONG), STRING, "ns").update(checkpointId);
      return backend.snapshot(checkpointId).run();
    }
  }
}
