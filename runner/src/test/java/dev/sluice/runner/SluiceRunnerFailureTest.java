package dev.sluice.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.PipelineResult.State;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Failure propagation and cancellation. */
@Timeout(120)
class SluiceRunnerFailureTest {

  /** User-code exception thrown by {@link FailOn}. */
  static final class BadRecordException extends RuntimeException {
    BadRecordException(String message) {
      super(message);
    }
  }

  static final class FailOn extends DoFn<Integer, Integer> {
    private final int bad;

    FailOn(int bad) {
      this.bad = bad;
    }

    @ProcessElement
    public void process(@Element Integer x, OutputReceiver<Integer> out) {
      if (x == bad) {
        throw new BadRecordException("cannot handle record " + x);
      }
      out.output(x);
    }
  }

  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 4})
  void shouldFailRunWithTheUsersException(int parallelism) {
    Pipeline p = SluiceTestPipelines.create(parallelism);
    p.apply(Create.of(1, 2, 3, 4, 5, 6, 7, 8)).apply("RejectSeven", ParDo.of(new FailOn(7)));

    assertThatThrownBy(p::run)
        .isInstanceOf(Pipeline.PipelineExecutionException.class)
        .hasCauseInstanceOf(BadRecordException.class)
        .hasMessageContaining("cannot handle record 7");
  }

  @Test
  void shouldThrowFromWaitUntilFinishNamingTheTransform() {
    SluicePipelineOptions options = SluiceTestPipelines.options(2);
    options.setRunner(SluiceRunner.class);
    Pipeline p = Pipeline.create(options);
    p.apply(Create.of(1, 2, 3)).apply("RejectTwo", ParDo.of(new FailOn(2)));

    PipelineResult result = p.run();

    assertThatThrownBy(result::waitUntilFinish)
        .isInstanceOf(Pipeline.PipelineExecutionException.class)
        .hasCauseInstanceOf(BadRecordException.class)
        .hasMessageContaining("RejectTwo")
        .hasMessageContaining("cannot handle record 2");
    assertThat(result.getState()).isEqualTo(State.FAILED);
  }

  @Test
  void shouldNameTheFailingTransformInTheMiddleOfAChain() {
    SluicePipelineOptions options = SluiceTestPipelines.options(2);
    options.setRunner(SluiceRunner.class);
    Pipeline p = Pipeline.create(options);
    p.apply(Create.of(1, 2, 3))
        .apply("First", ParDo.of(new FailOn(-1)))
        .apply("RejectThree", ParDo.of(new FailOn(3)))
        .apply("Last", ParDo.of(new FailOn(-1)));

    PipelineResult result = p.run();

    assertThatThrownBy(result::waitUntilFinish)
        .isInstanceOf(Pipeline.PipelineExecutionException.class)
        .hasCauseInstanceOf(BadRecordException.class)
        .hasMessageContaining("Transform 'RejectThree/ParMultiDo(FailOn)' failed in task")
        .hasMessageContaining("cannot handle record 3");
  }

  /** Latches shared between the test and its DoFn instances (deserialized copies) by id. */
  private static final Map<String, CountDownLatch> STARTED = new ConcurrentHashMap<>();

  /** Signals that it runs, then blocks until interrupted or a minute passed. */
  static final class BlockUntilCancelled extends DoFn<Integer, Integer> {
    private final String id;

    BlockUntilCancelled(String id) {
      this.id = id;
    }

    @ProcessElement
    public void process(@Element Integer x, OutputReceiver<Integer> out) throws InterruptedException {
      STARTED.get(id).countDown();
      // Deadline so that an engine that never interrupts fails the test instead of hanging it.
      new CountDownLatch(1).await(60, TimeUnit.SECONDS);
      out.output(x);
    }
  }

  @Test
  void shouldStopABlockedPipelineOnCancel() throws Exception {
    String id = UUID.randomUUID().toString();
    STARTED.put(id, new CountDownLatch(1));
    SluicePipelineOptions options = SluiceTestPipelines.options(2);
    options.setRunner(SluiceRunner.class);
    Pipeline p = Pipeline.create(options);
    p.apply(Create.of(1, 2, 3, 4)).apply("Block", ParDo.of(new BlockUntilCancelled(id)));

    PipelineResult result = p.run();
    assertThat(STARTED.get(id).await(30, TimeUnit.SECONDS)).as("the DoFn started").isTrue();
    assertThat(result.getState()).isEqualTo(State.RUNNING);

    result.cancel();

    assertThat(result.waitUntilFinish(Duration.standardSeconds(30))).isEqualTo(State.CANCELLED);
    STARTED.remove(id);
  }
}
