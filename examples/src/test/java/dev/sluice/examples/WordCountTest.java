package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** WordCount end to end on SluiceRunner: Sluice's own and Beam's unmodified example. */
@Timeout(120)
class WordCountTest {

  private static final List<String> TEXT = List.of(
      "the water runs and the gate rises",
      "",
      "the gate falls; the water waits",
      "Gate gate GATE");

  @TempDir Path dir;

  @Test
  void shouldCountWordsOfAFileOnSluiceByDefault() throws IOException {
    Path input = Files.write(dir.resolve("input.txt"), TEXT);

    WordCount.main(new String[] {"--inputFile=" + input, "--output=" + dir.resolve("counts"), "--parallelism=2"});

    assertThat(readCounts("counts")).isEqualTo(Map.of(
        "the", 4L, "water", 2L, "runs", 1L, "and", 1L, "gate", 3L, "rises", 1L, "falls", 1L, "waits", 1L,
        "Gate", 1L, "GATE", 1L));
  }

  @Test
  void shouldCountTheBundledSampleWhenNoInputIsGiven() throws IOException {
    WordCount.main(new String[] {"--output=" + dir.resolve("sample"), "--parallelism=2"});

    Map<String, Long> counts = readCounts("sample");
    long expectedThe = WordCount.sampleLines().stream()
        .flatMap(line -> Stream.of(line.split("[^\\p{L}\\p{N}']+")))
        .filter("the"::equals)
        .count();
    assertThat(counts).containsEntry("the", expectedThe).containsEntry("sluice", 2L);
  }

  @Test
  void shouldRunBeamsOwnWordCountWithRunnerSluiceRunner() throws IOException {
    Path input = Files.write(dir.resolve("input.txt"), TEXT);

    org.apache.beam.examples.WordCount.main(new String[] {
        "--runner=SluiceRunner", "--parallelism=2", "--inputFile=" + input, "--output=" + dir.resolve("beam")});

    // Beam's example splits on non-letters and keeps case, as Sluice's does.
    assertThat(readCounts("beam")).containsEntry("the", 4L).containsEntry("gate", 3L).containsEntry("GATE", 1L)
        .hasSize(10);
  }

  /** Reads every {@code prefix-*} shard of {@code word: count} lines. */
  private Map<String, Long> readCounts(String prefix) throws IOException {
    Map<String, Long> counts = new HashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> shards = files.filter(f -> f.getFileName().toString().startsWith(prefix + "-")).toList();
      assertThat(shards).as("output shards of " + prefix).isNotEmpty();
      for (Path shard : shards) {
        for (String line : Files.readAllLines(shard)) {
          int colon = line.lastIndexOf(": ");
          assertThat(counts.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 2))))
              .as("word %s appears once in the output", line).isNull();
        }
      }
    }
    return counts;
  }
}
