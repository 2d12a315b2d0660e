package dev.sluice.runner;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.Gauge;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Beam metrics updated in several subtasks come back merged from the result. */
@Timeout(120)
class SluiceRunnerMetricsTest {

  static final class Measure extends DoFn<Integer, Integer> {
    private final Counter elements = Metrics.counter(SluiceRunnerMetricsTest.class, "elements");
    private final Distribution sizes = Metrics.distribution(SluiceRunnerMetricsTest.class, "sizes");
    private final Gauge last = Metrics.gauge(SluiceRunnerMetricsTest.class, "last");

    @ProcessElement
    public void process(@Element Integer x, OutputReceiver<Integer> out) {
      elements.inc();
      sizes.update(x);
      last.set(x);
      out.output(x);
    }
  }

  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 4})
  void shouldAggregateMetricsOverSubtasks(int parallelism) {
    Pipeline p = SluiceTestPipelines.create(parallelism);
    Integer[] oneToHundred = new Integer[100];
    for (int i = 0; i < 100; i++) {
      oneToHundred[i] = i + 1;
    }
    // Reshuffle spreads the elements over all subtasks of the measuring step.
    p.apply(Create.of(java.util.Arrays.asList(oneToHundred))).apply(Reshuffle.viaRandomKey())
        .apply("Measure", ParDo.of(new Measure()));

    PipelineResult result = SluiceTestPipelines.run(p);

    MetricQueryResults metrics = result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.inNamespace(SluiceRunnerMetricsTest.class)).build());
    MetricResult<Long> counter = metrics.getCounters().iterator().next();
    assertThat(counter.getKey().stepName()).contains("Measure");
    assertThat(counter.getAttempted()).isEqualTo(100L);
    assertThat(counter.getCommitted()).isEqualTo(100L);
    DistributionResult sizes = metrics.getDistributions().iterator().next().getAttempted();
    assertThat(sizes.getCount()).isEqualTo(100L);
    assertThat(sizes.getSum()).isEqualTo(5050L);
    assertThat(sizes.getMin()).isEqualTo(1L);
    assertThat(sizes.getMax()).isEqualTo(100L);
    // A gauge keeps the latest value set by any subtask: one of the elements.
    long gauge = metrics.getGauges().iterator().next().getAttempted().getValue();
    assertThat(gauge).isBetween(1L, 100L);
  }
}
