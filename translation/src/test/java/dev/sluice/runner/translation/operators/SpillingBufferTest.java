package dev.sluice.runner.translation.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpillingBufferTest {

  @TempDir
  Path dir;

  @Test
  void shouldReturnValuesInOrderAcrossMemoryAndSpillFile() throws Exception {
    List<String> out = new ArrayList<>();
    try (SpillingBuffer<String> buffer = new SpillingBuffer<>(StringUtf8Coder.of(), dir.toFile(), 100)) {
      for (int i = 0; i < 1000; i++) {
        buffer.add("value-" + i);
      }
      assertThat(files()).as("spilled").hasSize(1);
      assertThat(buffer.size()).isEqualTo(1000);

      buffer.drain(out::add);

      assertThat(buffer.isEmpty()).isTrue();
      assertThat(files()).as("spill file deleted after drain").isEmpty();
      buffer.add("again");
      buffer.drain(out::add);
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      expected.add("value-" + i);
    }
    expected.add("again");
    assertThat(out).containsExactlyElementsOf(expected);
  }

  @Test
  void shouldDeleteSpillFileOnClose() throws Exception {
    SpillingBuffer<String> buffer = new SpillingBuffer<>(StringUtf8Coder.of(), dir.toFile(), 10);
    buffer.add("a long enough value to spill");
    assertThat(files()).hasSize(1);

    buffer.close();

    assertThat(files()).isEmpty();
  }

  private List<File> files() throws Exception {
    try (var s = Files.list(dir)) {
      return s.map(Path::toFile).toList();
    }
  }
}
