package dev.sluice.runner;

import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.runners.core.metrics.MetricsPusher;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.beam.sdk.metrics.MetricsOptions;

import org.joda.time.Duration;

/**
 * Pushes a job's metrics to the user's {@code --metricsSink} through Beam's
 * {@link MetricsPusher}: the job's final attempted metrics, once it ended.
 *
 * <p>The pusher stops when the result it watches is terminal and then pushes one last time;
 * it watches a view that turns terminal only after the final metrics were copied in, so that
 * last push carries them. Live values are not pushed yet (the engine's accumulators are merged
 * on request, not continuously).
 *
 * <p>Beam's pusher runs on its own executor thread, which it does not shut down; it is only
 * started when a sink is configured.
 */
final class MetricsSinkPusher {

  private final MetricsContainerStepMap pushed = new MetricsContainerStepMap();
  private final PipelineResult job;
  private volatile boolean finalMetricsIn;

  private MetricsSinkPusher(PipelineResult job) {
    this.job = job;
  }

  /** Starts pushing for {@code job} if a sink is configured; null otherwise. */
  static MetricsSinkPusher startIfConfigured(MetricsOptions options, PipelineResult job) {
    Class<?> sink = options.getMetricsSink();
    if (sink == null || MetricsOptions.NoOpMetricsSink.class.equals(sink) || "org.apache.beam.runners.core.metrics.NoOpMetricsSink".equals(sink.getName())) {
      return null;
    }
    MetricsSinkPusher pusher = new MetricsSinkPusher(job);
    new MetricsPusher(pusher.pushed, options, pusher.new View()).start();
    return pusher;
  }

  /** The job ended with these final metrics; the pusher's next run pushes them and stops. */
  void jobEnded(MetricsContainerStepMap finalMetrics) {
    pushed.updateAll(finalMetrics);
    finalMetricsIn = true;
  }

  /** The job as the pusher sees it: running until the final metrics are in. */
  private final class View implements PipelineResult {
    @Override
    public State getState() {
      return finalMetricsIn ? job.getState() : State.RUNNING;
    }

    @Override
    public State cancel() throws java.io.IOException {
      return job.cancel();
    }

    @Override
    public State waitUntilFinish(Duration duration) {
      return job.waitUntilFinish(duration);
    }

    @Override
    public State waitUntilFinish() {
      return job.waitUntilFinish();
    }

    @Override
    public MetricResults metrics() {
      return job.metrics();
    }
  }
}
