package dev.sluice.engine.task;

import static dev.sluice.engine.task.TestOperators.events;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.graph.JobGraphBuilder;
import dev.sluice.engine.graph.Partitioning;
import dev.sluice.engine.task.TestOperators.CollectSink;
import dev.sluice.engine.task.TestOperators.LongSerializer;
import dev.sluice.engine.task.TestOperators.MapOperator;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Idleness across tasks: a source subtask that marks itself idle does not hold back the
 * watermark of the tasks downstream, also through a chained operator and a second exchange.
 */
class IdlenessTest {

  private final String id = "idle-" + UUID.randomUUID();
  private final TestJobRunner runner = new TestJobRunner();

  @AfterEach
  void tearDown() {
    runner.close();
  }

  @Test
  void shouldNotHoldTheWatermarkBackForAnIdleSourceSubtask() {
    JobGraphBuilder b = new JobGraphBuilder("idleness", 8);
    int src = b.addOperator("Source", () -> new NeverEndingSource(), 2, 0, 1);
    int map = b.addOperator("Map", () -> new MapOperator(v -> v), 2, 1, 1);
    int mid = b.addOperator("Mid", () -> new MapOperator(v -> v), 2, 1, 1);
    int snk = b.addOperator("Sink", () -> new CollectSink(id), 1, 1, 0);
    b.connect(src, 0, map, 0, Partitioning.forward(), new LongSerializer(id));
    b.connect(map, 0, mid, 0, Partitioning.rebalance(), new LongSerializer(id));
    b.connect(mid, 0, snk, 0, Partitioning.rebalance(), new LongSerializer(id));
    TestJobRunner.RunningJob job = runner.submit(b.build());
    try {
      Await.until("the sink sees subtask 0's watermark", Duration.ofSeconds(30),
          () -> events(id + "/0").contains("wm:0:100"));
      assertThat(events(id + "/0")).containsExactly("wm:0:100");
    } finally {
      job.cancel();
      job.awaitTermination(Duration.ofSeconds(30));
    }
  }

  /**
   * Subtask 0 emits watermark 100, subtask 1 marks itself idle; neither ever ends (their
   * availability futures never complete).
   */
  private static final class NeverEndingSource extends TestOperators.NeverEndingSourceBase {
    private int subtask;
    private boolean started;

    @Override
    public void open(OperatorContext context, Output output) {
      subtask = context.subtaskIndex();
    }

    @Override
    public Status emitNext(Output output) {
      if (!started) {
        started = true;
        if (subtask == 0) {
          output.emitWatermark(100);
        } else {
          output.markIdle(true);
        }
      }
      return Status.NOTHING_AVAILABLE;
    }
  }
}
