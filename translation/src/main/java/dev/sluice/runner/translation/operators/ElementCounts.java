package dev.sluice.runner.translation.operators;

import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.metrics.MonitoringInfoConstants;
import org.apache.beam.runners.core.metrics.MonitoringInfoMetricName;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricsContainer;

/**
 * The system metric "elements output" of one operator: a Beam counter per output PCollection,
 * named {@link MonitoringInfoConstants.Urns#ELEMENT_COUNT} and labelled with the PCollection (and
 * the transform), as Beam's portable runners report it. It shows in the job's metric results under
 * the producing step and is pushed to {@code --metricsSink} with the user's metrics.
 *
 * <p>Why counted in plain longs and flushed: a metric cell is atomic; one {@code long} increment
 * per element is the cheapest count, and flushing once per bundle keeps the reported value at
 * most one bundle behind.
 *
 * <h3>Threading model</h3>
 * Mailbox thread only (the counters it flushes into are thread-safe for readers).
 */
final class ElementCounts {

  private final Counter[] counters;
  private final long[] pending;

  ElementCounts(MetricsContainer metrics, String stepName, List<String> pcollectionPerPort) {
    counters = new Counter[pcollectionPerPort.size()];
    pending = new long[pcollectionPerPort.size()];
    for (int port = 0; port < counters.length; port++) {
      counters[port] = metrics.getCounter(MonitoringInfoMetricName.named(
          MonitoringInfoConstants.Urns.ELEMENT_COUNT,
          Map.of(MonitoringInfoConstants.Labels.PCOLLECTION, pcollectionPerPort.get(port),
              MonitoringInfoConstants.Labels.PTRANSFORM, stepName)));
    }
  }

  /** One element was output at {@code port}. */
  void add(int port) {
    pending[port]++;
  }

  /** Adds the elements counted since the last flush to the counters. */
  void flush() {
    for (int port = 0; port < pending.length; port++) {
      if (pending[port] != 0) {
        counters[port].inc(pending[port]);
        pending[port] = 0;
      }
    }
  }
}
