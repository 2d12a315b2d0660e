package dev.sluice.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.TestPipelineOptions;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.junit.jupiter.api.Test;

class TestSluiceRunnerTimeoutTest {

  /** The runner's options and Beam's test options, as TestPipeline sees them. */
  public interface TestOptions extends SluicePipelineOptions, TestPipelineOptions {}

  /** Never opened: the DoFn below blocks until the job is cancelled (which interrupts it). */
  private static final CountDownLatch NEVER = new CountDownLatch(1);

  private static final class BlockForeverFn extends DoFn<Integer, Integer> {
    @ProcessElement
    public void process(@Element Integer x, OutputReceiver<Integer> out) throws InterruptedException {
      NEVER.await();
      out.output(x);
    }
  }

  @Test
  void shouldCancelAStuckPipelineAndFailWithAThreadDumpNamingTheStuckCode() {
    TestOptions options = PipelineOptionsFactory.as(TestOptions.class);
    options.setRunner(TestSluiceRunner.class);
    options.setParallelism(1);
    options.setTestTimeoutSeconds(5L);
    Pipeline pipeline = Pipeline.create(options);
    pipeline.apply(Create.of(1, 2, 3)).apply("Stuck", ParDo.of(new BlockForeverFn()));

    assertThatThrownBy(pipeline::run)
        .isInstanceOf(TestSluiceRunner.PipelineTimeoutException.class)
        .hasMessageContaining("--testTimeoutSeconds=5")
        // the stuck task's thread is in the dump, named after its operators
        .hasMessageContaining("Stuck/ParMultiDo(BlockForever)");
  }

  @Test
  void shouldRejectANegativeTimeout() {
    TestOptions options = PipelineOptionsFactory.as(TestOptions.class);
    options.setRunner(TestSluiceRunner.class);
    options.setTestTimeoutSeconds(-1L);

    assertThatThrownBy(() -> TestSluiceRunner.fromOptions(options))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--testTimeoutSeconds");
  }

  @Test
  void shouldReturnNormallyWhenThePipelineEndsInTime() {
    TestOptions options = PipelineOptionsFactory.as(TestOptions.class);
    options.setRunner(TestSluiceRunner.class);
    options.setParallelism(1);
    Pipeline pipeline = Pipeline.create(options);
    pipeline.apply(Create.of(1, 2, 3));

    assertThat(pipeline.run().getState()).isEqualTo(org.apache.beam.sdk.PipelineResult.State.DONE);
  }
}
