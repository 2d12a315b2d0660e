package dev.sluice.engine.task;

import static dev.sluice.engine.task.TestOperators.sink;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.graph.JobConfig;
import dev.sluice.engine.graph.JobGraphBuilder;
import dev.sluice.engine.graph.Partitioning;
import dev.sluice.engine.task.TestOperators.CollectSink;
import dev.sluice.engine.task.TestOperators.LongSerializer;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a processing-time timer emits leaves the task right after the callback, not on the next
 * periodic flush: with a buffer timeout of an hour, the record still reaches the next task.
 */
class TimerOutputFlushTest {

  private final String id = "timer-flush-" + UUID.randomUUID();
  private final TestJobRunner runner = new TestJobRunner();

  @AfterEach
  void tearDown() {
    runner.close();
  }

  @Test
  void shouldFlushWhatAProcessingTimeTimerEmitted() {
    JobGraphBuilder b = new JobGraphBuilder("timer-flush", 8);
    b.setConfig(JobConfig.BUFFER_TIMEOUT_MS, String.valueOf(Duration.ofHours(1).toMillis()));
    int src = b.addOperator("EmitOnTimer", EmitOnTimerSource::new, 1, 0, 1);
    int snk = b.addOperator("Sink", () -> new CollectSink(id), 1, 1, 0);
    b.connect(src, 0, snk, 0, Partitioning.rebalance(), new LongSerializer(id));
    TestJobRunner.RunningJob job = runner.submit(b.build());
    try {
      Await.until("the sink receives the record the timer emitted", Duration.ofSeconds(30),
          () -> !sink(id).isEmpty());
      assertThat(sink(id)).extracting(TestOperators.Received::value).containsExactly(7L);
    } finally {
      job.cancel();
      job.awaitTermination(Duration.ofSeconds(30));
    }
  }

  /** Emits 7 from a processing-time timer due at once, then never ends. */
  private static final class EmitOnTimerSource extends TestOperators.NeverEndingSourceBase {

    @Override
    public void open(OperatorContext context, Output output) {
      var time = context.processingTimeService();
      time.registerTimer(time.currentTime(), t -> output.emit(0, 7L, t));
    }

    @Override
    public Status emitNext(Output output) {
      return Status.NOTHING_AVAILABLE;
    }
  }
}
