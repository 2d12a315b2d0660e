package dev.sluice.runner;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.DefaultValueFactory;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;

/** Options of {@link SluiceRunner}: {@code --parallelism}, {@code --sluiceMaster}, … */
public interface SluicePipelineOptions extends PipelineOptions, StreamingOptions {

  /** The only master supported until cluster mode lands: a one-job cluster inside this JVM. */
  String LOCAL_MASTER = "[local]";

  @Description("Default parallelism of each operator. Defaults to the number of available processors.")
  @Default.InstanceFactory(ParallelismFactory.class)
  Integer getParallelism();

  void setParallelism(Integer parallelism);

  @Description(
      "Maximum parallelism: the number of key groups keyed state is split into, the upper bound "
          + "of a later rescale. Defaults to max(128, parallelism).")
  @Default.InstanceFactory(MaxParallelismFactory.class)
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

  /** The number of available processors. */
  final class ParallelismFactory implements DefaultValueFactory<Integer> {
    @Override
    public Integer create(PipelineOptions options) {
      return Runtime.getRuntime().availableProcessors();
    }
  }

  /** {@code max(128, parallelism)}, so that every subtask owns at least one key group. */
  final class MaxParallelismFactory implements DefaultValueFactory<Integer> {
    static final int DEFAULT_MAX_PARALLELISM = 128;

    @Override
    public Integer create(PipelineOptions options) {
      Integer parallelism = options.as(SluicePipelineOptions.class).getParallelism();
      return Math.max(DEFAULT_MAX_PARALLELISM, parallelism == null ? 1 : parallelism);
    }
  }
}
