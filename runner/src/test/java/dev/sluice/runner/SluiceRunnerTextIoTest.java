package dev.sluice.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TextIO write then read on TestSluiceRunner. */
@Timeout(120)
class SluiceRunnerTextIoTest {

  @TempDir Path tempDir;

  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 4})
  void shouldReadBackWhatItWrote(int parallelism) throws IOException {
    List<String> lines = IntStream.range(0, 500).mapToObj(i -> "line " + i).toList();
    String prefix = tempDir.resolve("out").toString();

    Pipeline write = SluiceTestPipelines.create(parallelism);
    write.apply(Create.of(lines)).apply(TextIO.write().to(prefix).withSuffix(".txt").withNumShards(3));
    SluiceTestPipelines.run(write);

    assertThat(writtenLines()).containsExactlyInAnyOrderElementsOf(lines);

    Pipeline read = SluiceTestPipelines.create(parallelism);
    PAssert.that(read.apply(TextIO.read().from(prefix + "*.txt"))).containsInAnyOrder(lines);
    SluiceTestPipelines.run(read);
  }

  private List<String> writtenLines() throws IOException {
    List<String> all = new ArrayList<>();
    try (Stream<Path> files = Files.list(tempDir)) {
      List<Path> shards = files.filter(f -> f.getFileName().toString().endsWith(".txt")).toList();
      assertThat(shards).hasSize(3);
      for (Path shard : shards) {
        all.addAll(Files.readAllLines(shard));
      }
    }
    return all;
  }
}
