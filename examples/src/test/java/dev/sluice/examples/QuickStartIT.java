package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quick-start command, end to end: {@code bin/sluice wordcount --inputFile=...
 * --output=...} as a user types it, build step included (the launcher builds the examples module
 * and what it needs, quietly), run in its own JVM.
 */
class QuickStartIT {

  private static final List<String> TEXT = List.of("a sluice gate", "a gate", "", "A GATE, a sluice!");

  @TempDir Path dir;

  @Test
  void shouldRunWordCountThroughTheLauncher() throws Exception {
    Path root = repositoryRoot();
    Path input = Files.write(dir.resolve("input.txt"), TEXT);
    Path log = dir.resolve("launcher.log");
    ProcessBuilder launcher = new ProcessBuilder(
        root.resolve("bin/sluice").toString(), "wordcount",
        "--inputFile=" + input, "--output=" + dir.resolve("counts"), "--parallelism=2")
        .directory(root.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Process process = launcher.start();

    boolean ended = process.waitFor(10, TimeUnit.MINUTES);
    if (!ended) {
      process.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(ended).as("launcher ended within 10 minutes; output:%n%s", output).isTrue();
    assertThat(process.exitValue()).as("launcher exit code; output:%n%s", output).isZero();
    assertThat(readCounts()).isEqualTo(Map.of("a", 3L, "A", 1L, "sluice", 2L, "gate", 2L, "GATE", 1L));
  }

  private Map<String, Long> readCounts() throws IOException {
    Map<String, Long> counts = new HashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith("counts")).toList()) {
        for (String line : Files.readAllLines(file)) {
          int colon = line.lastIndexOf(": ");
          counts.merge(line.substring(0, colon), Long.parseLong(line.substring(colon + 2)), Long::sum);
        }
      }
    }
    return counts;
  }

  /** The examples module runs with its own directory as working directory. */
  private static Path repositoryRoot() {
    Path here = new File("").getAbsoluteFile().toPath();
    Path root = here.getParent();
    assertThat(root.resolve("bin/sluice")).as("bin/sluice next to %s", here).exists();
    return root;
  }
}
