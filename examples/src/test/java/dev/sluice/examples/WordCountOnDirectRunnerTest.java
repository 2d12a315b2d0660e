package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example's pipeline itself, on Beam's reference runner: an explicit --runner is honoured. */
class WordCountOnDirectRunnerTest {

  @TempDir Path dir;

  @Test
  void shouldCountWordsOnTheRunnerGiven() throws IOException {
    Path input = Files.write(dir.resolve("in.txt"), List.of("to be or not to be", "", "that's it"));

    WordCount.main(new String[] {"--runner=DirectRunner", "--inputFile=" + input, "--output=" + dir.resolve("out")});

    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path shard : files.filter(f -> f.getFileName().toString().startsWith("out-")).toList()) {
        lines.addAll(Files.readAllLines(shard));
      }
    }
    assertThat(lines).containsExactlyInAnyOrder("to: 2", "be: 2", "or: 1", "not: 1", "that's: 1", "it: 1");
  }
}
