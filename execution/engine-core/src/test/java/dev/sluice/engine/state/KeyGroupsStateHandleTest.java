package dev.sluice.engine.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.engine.api.KeyGroupRange;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyGroupsStateHandleTest {

  @Test
  void shouldServeKeyGroupSlices() throws IOException {
    KeyGroupsStateHandle handle = handle();
    assertThat(handle.openKeyGroup(10).readAllBytes()).containsExactly(1, 2);
    assertThat(handle.openKeyGroup(11)).isNull();
    assertThat(handle.openKeyGroup(12).readAllBytes()).containsExactly(3);
    assertThat(handle.openKeyGroup(9)).isNull();
    assertThat(handle.openKeyGroup(13)).isNull();
    assertThat(handle.stateSize()).isEqualTo(3);
  }

  @Test
  void shouldRoundTripThroughWriteAndRead() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    handle().write(new DataOutputStream(bytes));
    KeyGroupsStateHandle read =
        KeyGroupsStateHandle.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    assertThat(read.checkpointId()).isEqualTo(7);
    assertThat(read.keyGroupRange()).isEqualTo(new KeyGroupRange(10, 12));
    assertThat(read.openKeyGroup(12).readAllBytes()).containsExactly(3);
  }

  @Test
  void shouldRejectOffsetsThatDoNotFit() {
    assertThatThrownBy(
            () -> new KeyGroupsStateHandle(1, new KeyGroupRange(0, 1), new int[] {0, 1}, new byte[1]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldRoundTripKeyGroupFormatAndRejectGarbage() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    KeyGroupStateFormat.write(
        List.of(
            new KeyGroupStateFormat.Entry(StateKind.MAP, "m", new byte[] {4, 5}),
            new KeyGroupStateFormat.Entry(StateKind.EVENT_TIME_TIMERS, "t", new byte[0])),
        bytes);
    List<KeyGroupStateFormat.Entry> entries =
        KeyGroupStateFormat.read(new ByteArrayInputStream(bytes.toByteArray()), 3);
    assertThat(entries).hasSize(2);
    assertThat(entries.get(0).kind()).isEqualTo(StateKind.MAP);
    assertThat(entries.get(0).payload()).containsExactly(4, 5);
    assertThat(entries.get(1).name()).isEqualTo("t");
    InputStream garbage = new ByteArrayInputStream(new byte[] {0, 0, 0, 1, 0, 0, 0, 1});
    assertThatThrownBy(() -> KeyGroupStateFormat.read(garbage, 3))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("magic");
  }

  private static KeyGroupsStateHandle handle() {
    return new KeyGroupsStateHandle(7, new KeyGroupRange(10, 12), new int[] {0, 2, 2, 3}, new byte[] {1, 2, 3});
  }
}
