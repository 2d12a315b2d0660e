package dev.sluice.runner;

import dev.sluice.engine.cluster.client.JobClient;
import dev.sluice.engine.cluster.minicluster.MiniCluster;
import dev.sluice.engine.cluster.minicluster.MiniClusterConfiguration;
import dev.sluice.engine.graph.JobConfig;
import dev.sluice.engine.graph.JobGraph;
import dev.sluice.engine.graph.JobVertex;
import dev.sluice.runner.translation.PipelineTranslator;
import dev.sluice.runner.translation.SluiceTranslationSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.metrics.MetricsOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a Beam pipeline on the Sluice engine: {@code --runner=SluiceRunner}.
 *
 * <p>{@link #run} translates the pipeline into a job graph, starts a one-job cluster inside this
 * JVM sized for it (as many slots as the highest vertex parallelism) and submits the job; it
 * returns at once with a {@link SluicePipelineResult}, which closes the cluster when the job
 * ends. Only bounded (batch) pipelines run so far.
 */
public final class SluiceRunner extends PipelineRunner<PipelineResult> {

  private static final Logger LOG = LoggerFactory.getLogger(SluiceRunner.class);

  private final SluicePipelineOptions options;

  private SluiceRunner(SluicePipelineOptions options) {
    this.options = options;
  }

  /** Validates the options; called by Beam for {@code --runner=SluiceRunner}. */
  public static SluiceRunner fromOptions(PipelineOptions options) {
    SluicePipelineOptions sluiceOptions = PipelineOptionsValidator.validate(SluicePipelineOptions.class, options);
    validate(sluiceOptions);
    return new SluiceRunner(sluiceOptions);
  }

  static void validate(SluicePipelineOptions options) {
    if (!SluicePipelineOptions.LOCAL_MASTER.equals(options.getSluiceMaster())) {
      throw new IllegalArgumentException(String.format(
          "--sluiceMaster=%s is not supported: Sluice runs pipelines only in an in-process cluster "
              + "(--sluiceMaster=%s) until cluster mode is implemented.",
          options.getSluiceMaster(), SluicePipelineOptions.LOCAL_MASTER));
    }
    int parallelism = options.getParallelism();
    if (parallelism < 1) {
      throw new IllegalArgumentException("--parallelism must be at least 1, got " + parallelism);
    }
    if (options.getMaxParallelism() < parallelism) {
      throw new IllegalArgumentException(String.format(
          "--maxParallelism (%d) must be at least --parallelism (%d): each subtask needs a key group",
          options.getMaxParallelism(), parallelism));
    }
    Long bufferTimeout = options.getBufferTimeoutMillis();
    if (bufferTimeout != null && bufferTimeout < 0) {
      throw new IllegalArgumentException("--bufferTimeoutMillis must not be negative, got " + bufferTimeout);
    }
  }

  public SluicePipelineOptions getPipelineOptions() {
    return options;
  }

  @Override
  public SluicePipelineResult run(Pipeline pipeline) {
    if (options.isStreaming()) {
      throw new UnsupportedOperationException(
          "Sluice: streaming execution is not supported yet (--streaming=true); run bounded pipelines in batch mode");
    }
    // Tells TestPipeline that PAssert success counters can be checked through metrics().
    MetricsEnvironment.setMetricsSupported(true);

    PipelineTranslator.prepare(pipeline, false);
    rejectUnboundedCollections(pipeline);
    JobGraph jobGraph = new PipelineTranslator(translationSettings()).translate(pipeline);

    if (jobGraph.vertices().isEmpty()) {
      LOG.info("Job '{}' ({}) has nothing to run", jobGraph.name(), jobGraph.jobId());
      return new SluicePipelineResult(jobGraph.name(), new EmptyJobClient(jobGraph.jobId()), () -> {});
    }
    int slots = jobGraph.vertices().stream().mapToInt(JobVertex::parallelism).max().orElse(1);
    MiniCluster cluster = new MiniCluster(MiniClusterConfiguration.forParallelism(slots));
    try {
      cluster.start();
      JobClient client = cluster.submitJob(jobGraph);
      LOG.info("Submitted job '{}' ({}) with {} vertices to a local cluster with {} slots",
          jobGraph.name(), client.jobId(), jobGraph.vertices().size(), slots);
      SluicePipelineResult result = new SluicePipelineResult(jobGraph.name(), client, cluster);
      result.startMetricsPusher(options.as(MetricsOptions.class));
      return result;
    } catch (RuntimeException | Error e) {
      try {
        cluster.close();
      } catch (RuntimeException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      throw e;
    }
  }

  SluiceTranslationSettings translationSettings() {
    Map<String, String> engineConfig = new HashMap<>();
    if (options.getBufferTimeoutMillis() != null) {
      engineConfig.put(JobConfig.BUFFER_TIMEOUT_MS, Long.toString(options.getBufferTimeoutMillis()));
    }
    return new SluiceTranslationSettings(
        options, options.getParallelism(), options.getMaxParallelism(), false, Map.copyOf(engineConfig));
  }

  /**
   * Batch execution needs every collection to end; fail before anything starts otherwise.
   * Collections that are unbounded only because of an unbounded-per-element splittable DoFn are
   * fine: batch runs each of its restrictions to completion.
   */
  private static void rejectUnboundedCollections(Pipeline pipeline) {
    List<String> producers = PipelineTranslator.producersOfUnboundedCollections(pipeline);
    if (!producers.isEmpty()) {
      throw new UnsupportedOperationException(String.format(
          "Sluice: streaming execution is not supported yet, and %s",
          producers.get(0)));
    }
  }

  @Override
  public String toString() {
    return "SluiceRunner#" + hashCode();
  }
}
