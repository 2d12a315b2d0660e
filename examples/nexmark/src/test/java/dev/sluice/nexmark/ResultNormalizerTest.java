package dev.sluice.nexmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResultNormalizerTest {

  @Test
  void exactQueriesKeepEveryResultWithItsTimestampSorted() {
    List<String> lines = List.of("{\"a\":2}\t20\t0", "{\"a\":1}\t10\t0", "{\"a\":1}\t10\t0");

    assertThat(ResultNormalizer.normalize(1, lines))
        .containsExactly("{\"a\":1} @10", "{\"a\":1} @10", "{\"a\":2} @20");
  }

  @Test
  void query3IgnoresTimestamps() {
    List<String> lines = List.of("{\"id\":2}\t20\t0", "{\"id\":1}\t10\t0");

    assertThat(ResultNormalizer.normalize(3, lines)).containsExactly("{\"id\":1}", "{\"id\":2}");
  }

  @Test
  void query6KeepsTheHighestPaneOfEachSeller() {
    List<String> lines = List.of(
        "{\"seller\":7,\"price\":10}\t5\t0",
        "{\"seller\":7,\"price\":30}\t5\t2",
        "{\"seller\":7,\"price\":20}\t5\t1",
        "{\"seller\":8,\"price\":5}\t5\t0");

    assertThat(ResultNormalizer.normalize(6, lines))
        .containsExactly("{\"seller\":7,\"price\":30}", "{\"seller\":8,\"price\":5}");
  }

  @Test
  void queries11And12SumBidsPerBidderOverPanes() {
    List<String> lines = List.of(
        "{\"personId\":3,\"bidsPerSession\":2}\t1\t0",
        "{\"personId\":3,\"bidsPerSession\":5}\t1\t1",
        "{\"personId\":1,\"bidsPerSession\":1}\t1\t0");

    assertThat(ResultNormalizer.normalize(12, lines)).containsExactly("1=1", "3=7");
    assertThat(ResultNormalizer.normalize(11, lines)).containsExactly("1=1", "3=7");
  }

  @Test
  void comparisonNamesTheFirstDifference() {
    assertThat(ResultComparison.compare(List.of("a", "b"), List.of("a", "b")).matches()).isTrue();
    ResultComparison different = ResultComparison.compare(List.of("a", "b"), List.of("a", "c"));
    assertThat(different.matches()).isFalse();
    assertThat(different.summary()).contains("expected b but was c");
    assertThat(ResultComparison.compare(List.of("a", "b"), List.of("a")).summary()).contains("missing from #1: b");
  }

  @Test
  void runRecordsSurviveTheirTsvForm() {
    RunOutcome outcome = new RunOutcome(BenchmarkRunner.FLINK, 5, 1000, RunOutcome.Status.OK, 250, 2, null, null);

    assertThat(RunOutcome.fromTsv(outcome.toTsv())).isEqualTo(outcome);
    assertThat(outcome.eventsPerSecond()).isEqualTo(4000.0);
  }

  @Test
  void geometricMeanOfRatios() {
    assertThat(NexmarkReport.geomean(List.of(2.0, 8.0))).isCloseTo(4.0, org.assertj.core.data.Offset.offset(1e-9));
  }
}
