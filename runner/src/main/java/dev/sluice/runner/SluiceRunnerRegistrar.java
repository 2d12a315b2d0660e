package dev.sluice.runner;

import com.google.auto.service.AutoService;
import java.util.List;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsRegistrar;
import org.apache.beam.sdk.runners.PipelineRunnerRegistrar;

/**
 * Makes {@code --runner=SluiceRunner} / {@code TestSluiceRunner} and Sluice's options known to
 * Beam's {@code PipelineOptionsFactory} through {@link java.util.ServiceLoader}.
 */
public final class SluiceRunnerRegistrar {

  private SluiceRunnerRegistrar() {}

  /** Registers {@link SluiceRunner} and {@link TestSluiceRunner}. */
  @AutoService(PipelineRunnerRegistrar.class)
  public static final class Runner implements PipelineRunnerRegistrar {
    @Override
    public Iterable<Class<? extends PipelineRunner<?>>> getPipelineRunners() {
      return List.of(SluiceRunner.class, TestSluiceRunner.class);
    }
  }

  /**
   * Registers {@link SluicePipelineOptions}, and {@link SluiceBundleOptions} unless the Flink
   * runner (which declares the same option names with other defaults) is on the classpath.
   */
  @AutoService(PipelineOptionsRegistrar.class)
  public static final class Options implements PipelineOptionsRegistrar {
    @Override
    public Iterable<Class<? extends PipelineOptions>> getPipelineOptions() {
      return BundleLimits.flinkOptionsClass() == null
          ? List.of(SluicePipelineOptions.class, SluiceBundleOptions.class)
          : List.of(SluicePipelineOptions.class);
    }
  }
}
