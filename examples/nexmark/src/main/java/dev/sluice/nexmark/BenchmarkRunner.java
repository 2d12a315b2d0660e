package dev.sluice.nexmark;

import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * The runners a Nexmark run can use, and the options each one gets for a run.
 *
 * <p>Options are built from command-line arguments, not from the runners' option interfaces, so
 * that this module never links against a runner. Sluice's and the Flink runner's options declare
 * {@code parallelism} and {@code maxParallelism} with the same defaults, so both runners (and
 * the Direct runner) can be registered in one JVM.
 */
public enum BenchmarkRunner {
  SLUICE("SluiceRunner") {
    @Override
    List<String> args(int parallelism) {
      return List.of("--parallelism=" + parallelism);
    }
  },
  FLINK("FlinkRunner") {
    @Override
    List<String> args(int parallelism) {
      return List.of(
          // An embedded Flink mini cluster in this JVM, like Sluice's local cluster.
          "--flinkMaster=[local]",
          "--parallelism=" + parallelism,
          // Let a streaming job end once the bounded-count unbounded generator is exhausted.
          "--shutdownSourcesAfterIdleMs=0");
    }
  },
  DIRECT("DirectRunner") {
    @Override
    List<String> args(int parallelism) {
      return List.of("--targetParallelism=" + parallelism);
    }
  };

  private final String runnerName;

  BenchmarkRunner(String runnerName) {
    this.runnerName = runnerName;
  }

  /** The name used on the command line and in reports, e.g. {@code SluiceRunner}. */
  public String runnerName() {
    return runnerName;
  }

  /** Runner-specific arguments for a run at {@code parallelism}. */
  abstract List<String> args(int parallelism);

  /** Fresh options for one run on this runner. */
  PipelineOptions options(int parallelism, boolean streaming) {
    List<String> all = new java.util.ArrayList<>(args(parallelism));
    all.add("--runner=" + runnerName);
    all.add("--streaming=" + streaming);
    return PipelineOptionsFactory.fromArgs(all.toArray(String[]::new)).create();
  }

  /** Parses {@code SluiceRunner}, {@code sluice}, {@code FlinkRunner}, ... (case-insensitive). */
  public static BenchmarkRunner parse(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (BenchmarkRunner runner : values()) {
      if (wanted.equals(runner.runnerName.toLowerCase(Locale.ROOT))
          || wanted.equals(runner.name().toLowerCase(Locale.ROOT))) {
        return runner;
      }
    }
    throw new IllegalArgumentException(
        "Unknown runner '" + name + "'; expected SluiceRunner, FlinkRunner or DirectRunner");
  }

  @Override
  public String toString() {
    return runnerName;
  }
}
