package dev.sluice.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.engine.graph.JobConfig;
import dev.sluice.runner.translation.SluiceTranslationSettings;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.PipelineOptionsRegistrar;
import org.apache.beam.sdk.runners.PipelineRunnerRegistrar;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.PeriodicImpulse;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;

/** Options, registration and what SluiceRunner decides before any engine runs. */
class SluiceRunnerTest {

  @Test
  void shouldDefaultToLocalMasterCoresAndAtLeast128KeyGroups() {
    SluicePipelineOptions options = PipelineOptionsFactory.as(SluicePipelineOptions.class);
    SluiceRunner.fromOptions(options);

    assertThat(options.getSluiceMaster()).isEqualTo("[local]");
    assertThat(options.getParallelism()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(options.getMaxParallelism()).isEqualTo(128);
    assertThat(options.getBufferTimeoutMillis()).isNull();
    assertThat(options.isStreaming()).isFalse();
  }

  @Test
  void shouldRaiseDefaultMaxParallelismToParallelism() {
    SluicePipelineOptions options =
        PipelineOptionsFactory.fromArgs("--parallelism=300").as(SluicePipelineOptions.class);
    SluiceRunner.fromOptions(options);

    assertThat(options.getMaxParallelism()).isEqualTo(300);
  }

  @Test
  void shouldFindRunnerAndOptionsByNameThroughTheRegistrar() {
    PipelineOptions options = PipelineOptionsFactory.fromArgs(
            "--runner=SluiceRunner", "--parallelism=3", "--maxParallelism=64", "--bufferTimeoutMillis=5")
        .withValidation()
        .create();

    assertThat(options.getRunner()).isEqualTo(SluiceRunner.class);
    SluicePipelineOptions sluice = options.as(SluicePipelineOptions.class);
    assertThat(sluice.getParallelism()).isEqualTo(3);
    assertThat(sluice.getMaxParallelism()).isEqualTo(64);
    assertThat(sluice.getBufferTimeoutMillis()).isEqualTo(5L);
    assertThat(PipelineOptionsFactory.fromArgs("--runner=TestSluiceRunner").create().getRunner())
        .isEqualTo(TestSluiceRunner.class);
  }

  @Test
  void shouldRegisterThroughServiceLoader() {
    assertThat(StreamSupport.stream(ServiceLoader.load(PipelineRunnerRegistrar.class).spliterator(), false)
            .flatMap(r -> StreamSupport.stream(r.getPipelineRunners().spliterator(), false)))
        .contains(SluiceRunner.class, TestSluiceRunner.class);
    assertThat(StreamSupport.stream(ServiceLoader.load(PipelineOptionsRegistrar.class).spliterator(), false)
            .flatMap(r -> StreamSupport.stream(r.getPipelineOptions().spliterator(), false)))
        .contains(SluicePipelineOptions.class);
  }

  @Test
  void shouldPassOptionsToTranslation() {
    SluiceRunner runner = SluiceRunner.fromOptions(PipelineOptionsFactory.fromArgs(
        "--parallelism=3", "--maxParallelism=64", "--bufferTimeoutMillis=5").create());

    SluiceTranslationSettings settings = runner.translationSettings();

    assertThat(settings.parallelism()).isEqualTo(3);
    assertThat(settings.maxParallelism()).isEqualTo(64);
    assertThat(settings.streaming()).isFalse();
    assertThat(settings.engineConfig()).containsExactly(Map.entry(JobConfig.BUFFER_TIMEOUT_MS, "5"));
    assertThat(SluiceRunner.fromOptions(PipelineOptionsFactory.create()).translationSettings().engineConfig())
        .as("the engine's default buffer timeout applies when the option is unset")
        .isEmpty();
  }

  @Test
  void shouldPassBundleLimitsToTranslation() {
    SluiceTranslationSettings defaults = SluiceRunner.fromOptions(PipelineOptionsFactory.create()).translationSettings();
    assertThat(defaults.maxBundleSize()).isEqualTo(1000);
    assertThat(defaults.maxBundleTimeMillis()).isEqualTo(1000);

    SluiceTranslationSettings settings = SluiceRunner.fromOptions(PipelineOptionsFactory.fromArgs(
        "--maxBundleSize=7", "--maxBundleTimeMills=25").create()).translationSettings();
    assertThat(settings.maxBundleSize()).isEqualTo(7);
    assertThat(settings.maxBundleTimeMillis()).isEqualTo(25);

    assertThatThrownBy(() -> SluiceRunner.fromOptions(PipelineOptionsFactory.fromArgs("--maxBundleSize=0").create()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--maxBundleSize must be at least 1, got 0");
  }

  @Test
  void shouldFinishAPipelineWithoutTransformsWithoutStartingACluster() {
    SluicePipelineOptions options = PipelineOptionsFactory.as(SluicePipelineOptions.class);

    PipelineResult result = SluiceRunner.fromOptions(options).run(Pipeline.create(options));

    assertThat(result.waitUntilFinish()).isEqualTo(PipelineResult.State.DONE);
    assertThat(result.metrics().allMetrics().getCounters()).isEmpty();
  }

  @Test
  void shouldRejectAnyMasterButLocal() {
    PipelineOptions options =
        PipelineOptionsFactory.fromArgs("--runner=SluiceRunner", "--sluiceMaster=jobmanager:6123").create();

    assertThatThrownBy(() -> SluiceRunner.fromOptions(options))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--sluiceMaster=jobmanager:6123")
        .hasMessageContaining("[local]");
  }

  @Test
  void shouldRejectMaxParallelismBelowParallelism() {
    PipelineOptions options =
        PipelineOptionsFactory.fromArgs("--parallelism=8", "--maxParallelism=4").create();

    assertThatThrownBy(() -> SluiceRunner.fromOptions(options))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--maxParallelism (4)");
  }

  @Test
  void shouldTranslateInStreamingModeWhenAsked() {
    SluiceRunner runner = SluiceRunner.fromOptions(PipelineOptionsFactory.fromArgs("--streaming=true").create());

    assertThat(runner.translationSettings().streaming()).isTrue();
  }
}
