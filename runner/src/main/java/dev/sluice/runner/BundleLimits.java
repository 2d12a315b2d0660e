package dev.sluice.runner;

import java.lang.reflect.Method;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Reads {@code --maxBundleSize} and {@code --maxBundleTimeMills} (see {@link SluiceBundleOptions})
 * from wherever they are declared in this JVM: Sluice's own interface, or Flink's options interface
 * when the Flink runner is on the classpath (then Sluice's is not registered, see
 * {@link SluiceRunnerRegistrar}).
 *
 * @param maxBundleSize elements after which a bundle finishes; at least 1
 * @param maxBundleTimeMillis milliseconds after which an open bundle finishes (streaming); at least 1
 */
record BundleLimits(long maxBundleSize, long maxBundleTimeMillis) {

  /** Beam's Flink runner declares the same option names with defaults of its own. */
  static final String FLINK_OPTIONS = "org.apache.beam.runners.flink.FlinkPipelineOptions";

  BundleLimits {
    if (maxBundleSize < 1) {
      throw new IllegalArgumentException("--maxBundleSize must be at least 1, got " + maxBundleSize);
    }
    if (maxBundleTimeMillis < 1) {
      throw new IllegalArgumentException("--maxBundleTimeMills must be at least 1, got " + maxBundleTimeMillis);
    }
  }

  static BundleLimits from(PipelineOptions options) {
    Class<? extends PipelineOptions> flink = flinkOptionsClass();
    if (flink == null) {
      SluiceBundleOptions bundle = options.as(SluiceBundleOptions.class);
      return new BundleLimits(bundle.getMaxBundleSize(), bundle.getMaxBundleTimeMills());
    }
    PipelineOptions flinkOptions = options.as(flink);
    return new BundleLimits(call(flinkOptions, flink, "getMaxBundleSize"), call(flinkOptions, flink, "getMaxBundleTimeMills"));
  }

  /** Flink's options interface if the Flink runner is on the classpath, else null. */
  @SuppressWarnings("unchecked")
  static Class<? extends PipelineOptions> flinkOptionsClass() {
    try {
      return (Class<? extends PipelineOptions>) Class.forName(FLINK_OPTIONS, false, BundleLimits.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }

  private static long call(PipelineOptions options, Class<?> iface, String getter) {
    try {
      Method m = iface.getMethod(getter);
      return ((Number) m.invoke(options)).longValue();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Cannot read " + getter + " of " + iface.getName() + " for Sluice's bundle limits", e);
    }
  }
}
