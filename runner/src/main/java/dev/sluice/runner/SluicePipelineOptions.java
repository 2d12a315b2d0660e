package dev.sluice.runner;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;

/** Options of {@link SluiceRunner}: {@code --parallelism}, {@code --sluiceMaster}, … */
public interface SluicePipelineOptions extends PipelineOptions, StreamingOptions {

  /** The only master supported until cluster mode lands: a one-job cluster inside this JVM. */
  String LOCAL_MASTER = "[local]";

  /** Default of --parallelism and --maxParallelism: resolved by the runner (see below). */
  int DEFAULT_FROM_RUNNER = -1;

  // The defaults are -1, resolved by SluiceRunner.fromOptions, with the same @Default as Beam's
  // FlinkPipelineOptions declares for these names: Beam rejects one option name declared with
  // different defaults, which would keep both runners from sharing a JVM.
  @Description("Default parallelism of each operator. -1 (the default): the number of available processors.")
  @Default.Integer(DEFAULT_FROM_RUNNER)
  Integer getParallelism();

  void setParallelism(Integer parallelism);

  @Description(
      "Maximum parallelism: the number of key groups keyed state is split into, the upper bound "
          + "of a later rescale. -1 (the default): max(128, parallelism).")
  @Default.Integer(DEFAULT_FROM_RUNNER)
  Integer getMaxParallelism();

  void setMaxParallelism(Integer maxParallelism);

  @Description("Where the job runs. Only \"[local]\" (an in-process cluster) is supported so far.")
  @Default.String(LOCAL_MASTER)
  String getSluiceMaster();

  void setSluiceMaster(String sluiceMaster);

  @Description(
      "Longest time in milliseconds a partly filled network buffer waits before it is sent. "
          + "Unset: the engine's default.")
  Long getBufferTimeoutMillis();

  void setBufferTimeoutMillis(Long bufferTimeoutMillis);
}
