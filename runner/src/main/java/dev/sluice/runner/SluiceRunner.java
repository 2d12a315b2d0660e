package dev.sluice.runner;

import dev.sluice.engine.cluster.client.JobClient;
import dev.sluice.engine.cluster.minicluster.MiniCluster;
import dev.sluice.engine.cluster.minicluster.MiniClusterConfiguration;
import dev.sluice.engine.graph.JobConfig;
import dev.sluice.engine.graph.JobGraph;
import dev.sluice.engine.graph.JobVertex;
import dev.sluice.runner.translation.PipelineTranslator;
import dev.sluice.runner.translation.ProcessingTimeTriggers;
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
 * ends. A pipeline with unbounded collections, or {@code --streaming=true}, runs in streaming
 * mode; translation fails naming the transform for what streaming cannot run yet.
 */
public final class SluiceRunner extends PipelineRunner<PipelineResult> {

  private static final Logger LOG = LoggerFactory.getLogger(SluiceRunner.class);

  /** Key groups by default: enough for rescaling small jobs without costing much per key group. */
  static final int DEFAULT_MAX_PARALLELISM = 128;

  private final SluicePipelineOptions options;

  private SluiceRunner(SluicePipelineOptions options) {
    this.options = options;
  }

  /** Validates the options; called by Beam for {@code --runner=SluiceRunner}. */
  public static SluiceRunner fromOptions(PipelineOptions options) {
    SluicePipelineOptions sluiceOptions = PipelineOptionsValidator.validate(SluicePipelineOptions.class, options);
    resolveDefaults(sluiceOptions);
    validate(sluiceOptions);
    BundleLimits.from(sluiceOptions); // validates them
    return new SluiceRunner(sluiceOptions);
  }

  /** Default parallelism = available processors; default max parallelism = max(128, parallelism). */
  static void resolveDefaults(SluicePipelineOptions options) {
    if (options.getParallelism() == null || options.getParallelism() == SluicePipelineOptions.DEFAULT_FROM_RUNNER) {
      options.setParallelism(Runtime.getRuntime().availableProcessors());
    }
    if (options.getMaxParallelism() == null || options.getMaxParallelism() == SluicePipelineOptions.DEFAULT_FROM_RUNNER) {
      options.setMaxParallelism(Math.max(DEFAULT_MAX_PARALLELISM, options.getParallelism()));
    }
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
    // Tells TestPipeline that PAssert success counters can be checked through metrics().
    MetricsEnvironment.setMetricsSupported(true);

    PipelineTranslator.expandSplittableParDos(pipeline);
    // As Beam's Flink runner does: an unbounded collection switches the pipeline to streaming,
    // except one that batch runs to completion (output of an unbounded-per-element splittable
    // DoFn, whose restrictions batch processes to their end). Decided before prepare, so that
    // such a DoFn in a pipeline switched to streaming checkpoints and resumes as in streaming.
    if (!options.isStreaming() && !PipelineTranslator.producersOfUnboundedCollections(pipeline).isEmpty()) {
      LOG.info("The pipeline has unbounded collections: running it in streaming mode ({})",
          PipelineTranslator.producersOfUnboundedCollections(pipeline).get(0));
      options.setStreaming(true);
    }
    if (!options.isStreaming()) {
      List<String> processingTimeTriggered = ProcessingTimeTriggers.collectionsTriggeredByProcessingTime(pipeline);
      if (!processingTimeTriggered.isEmpty()) {
        // Batch would fire such triggers only at the end of input (see ProcessingTimeTriggers).
        LOG.info("The pipeline has processing-time triggers, which fire as written only in streaming:"
            + " running it in streaming mode ({})", processingTimeTriggered.get(0));
        options.setStreaming(true);
      }
    }
    PipelineTranslator.prepare(pipeline, options.isStreaming());
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
    BundleLimits bundles = BundleLimits.from(options);
    return new SluiceTranslationSettings(
        options, options.getParallelism(), options.getMaxParallelism(), options.isStreaming(), Map.copyOf(engineConfig),
        bundles.maxBundleSize(), bundles.maxBundleTimeMillis());
  }

  @Override
  public String toString() {
    return "SluiceRunner#" + hashCode();
  }
}
