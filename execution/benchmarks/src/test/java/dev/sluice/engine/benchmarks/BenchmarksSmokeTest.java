package dev.sluice.engine.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Runs each benchmark method once (or twice) through plain calls, with the smallest
 * parameters, so the build notices a benchmark that no longer works (hangs, fails, miscounts)
 * without running JMH. Measures nothing.
 */
class BenchmarksSmokeTest {

  private static Blackhole blackhole() {
    return new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ExchangeBenchmark.Topology.class)
  void shouldPushRoundsEndToEnd(ExchangeBenchmark.Topology topology) throws Exception {
    for (ExchangeBenchmark.RecordType type : ExchangeBenchmark.RecordType.values()) {
      ExchangeBenchmark b = new ExchangeBenchmark();
      b.topology = topology;
      b.recordType = type;
      b.startJob();
      b.records();
      b.records();
      // Checks that the sinks received exactly 2 rounds of records and every task finished.
      b.stopJob();
    }
  }

  @Test
  void shouldRunKeyedStateBenchmarks() throws Exception {
    KeyedStateBenchmark b = new KeyedStateBenchmark();
    b.keys = 10_000;
    b.createBackend();
    b.createListBackend();
    try {
      b.valueGetUpdate();
      b.listAdd();
      b.timerRegisterAndFire(blackhole());
      b.timerRegisterAndFire(blackhole());
    } finally {
      b.closeListBackend();
      b.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(GroupingBenchmark.Budget.class)
  void shouldGroupEveryPair(GroupingBenchmark.Budget budget) throws Exception {
    GroupingBenchmark b = new GroupingBenchmark();
    b.budget = budget;
    b.createPairs();
    try {
      assertThat(b.addAndGroup(blackhole())).isEqualTo(GroupingBenchmark.PAIRS);
    } finally {
      b.deleteSpillDirectory();
    }
  }
}
