package dev.sluice.nexmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NexmarkReportTest {

  @Test
  void shouldMarkEqualAndDifferingResultsAgainstTheDirectRunner(@TempDir Path dir) throws IOException {
    Path direct = Files.write(dir.resolve("direct.txt"), List.of("a @1", "b @2"));
    Path same = Files.write(dir.resolve("same.txt"), List.of("a @1", "b @2"));
    Path other = Files.write(dir.resolve("other.txt"), List.of("a @1", "c @2"));
    Map<Integer, Map<BenchmarkRunner, RunOutcome>> byQuery = new TreeMap<>();
    byQuery.put(0, runs(ok(BenchmarkRunner.SLUICE, 0, 500, same), ok(BenchmarkRunner.FLINK, 0, 1000, other),
        ok(BenchmarkRunner.DIRECT, 0, 4000, direct)));

    String table = NexmarkReport.render(byQuery, "");

    assertThat(table).contains("| q0 | 2000 | 1000 | 250 | 2.00 | 2/2/2 | yes | **no** |");
    assertThat(table).contains("| **geomean** (1 queries that ran on Sluice and Flink) | 2000 | 1000 | 250 | **2.00** |");
    assertThat(table).contains("- q0 on FlinkRunner: MISMATCH");
  }

  @Test
  void shouldLeaveTheMeansEmptyWithoutTheFlinkRunner(@TempDir Path dir) throws IOException {
    Path results = Files.write(dir.resolve("results.txt"), List.of("a @1"));
    Map<Integer, Map<BenchmarkRunner, RunOutcome>> byQuery = new TreeMap<>();
    byQuery.put(1, runs(ok(BenchmarkRunner.SLUICE, 1, 500, results), ok(BenchmarkRunner.DIRECT, 1, 4000, results)));

    String table = NexmarkReport.render(byQuery, "");

    assertThat(table).contains("| q1 | 2000 | no run | 250 | - | 2/-/2 | yes | - |");
    assertThat(table).contains("| **geomean** (no query ran on both Sluice and Flink) | - | - | - | - | | | |");
  }

  private static RunOutcome ok(BenchmarkRunner runner, int query, long wallMillis, Path results) {
    return new RunOutcome(runner, query, 1000, RunOutcome.Status.OK, wallMillis, 2, results, null);
  }

  private static Map<BenchmarkRunner, RunOutcome> runs(RunOutcome... outcomes) {
    Map<BenchmarkRunner, RunOutcome> runs = new EnumMap<>(BenchmarkRunner.class);
    for (RunOutcome outcome : outcomes) {
      runs.put(outcome.runner(), outcome);
    }
    return runs;
  }
}
