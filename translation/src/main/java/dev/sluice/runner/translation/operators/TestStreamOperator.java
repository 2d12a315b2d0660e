package dev.sluice.runner.translation.operators;

import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.ProcessingTimeService;
import dev.sluice.engine.api.SourceOperator;
import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.WindowedValue;
import org.joda.time.Instant;

/**
 * Replays a Beam {@code TestStream}: elements with their timestamps (global window), watermark
 * advances, and processing-time advances, in order, at parallelism 1 (a wider vertex replays
 * only in subtask 0; the others end at once).
 *
 * <p>Processing time: the job runs on the engine's synthetic processing time (the translator
 * sets {@code JobConfig#PROCESSING_TIME_MODE}), which starts where Beam's test clock does and
 * moves only here: an advance of {@code d} emits "processing time is now + d"
 * ({@link Output#emitProcessingTime}), in-band after the elements before it. Every task fires
 * its due processing-time timers before it forwards the new time, so no real time passes and a
 * later stage sees the clock move only after the earlier stages' reaction to it.
 *
 * <p>Steps: after every event (a watermark, a processing-time advance, or a batch of elements,
 * {@link Step.Kind#END_OF_EVENT}) the current processing time is emitted again as a barrier.
 * Tasks align these barriers over their inputs, so each stage handles the output an event
 * caused upstream before the next event's data: the order Beam's TestStream promises across
 * stages, which the Direct runner gets by waiting for the pipeline to be idle between events.
 *
 * <h3>Threading model</h3>
 * Mailbox thread only. Each {@link #emitNext} emits at most {@link #MAX_EVENTS_PER_CALL} events.
 *
 * @param <T> the element type
 */
public final class TestStreamOperator<T> implements SourceOperator {

  static final int MAX_EVENTS_PER_CALL = 256;

  /**
   * One event of the stream. {@code value} holds an element encoded with the stream's coder
   * (TestStream elements need not be Java-serializable).
   */
  public record Step(Kind kind, long millis, byte[] value) implements Serializable {
    public enum Kind {
      ELEMENT,
      WATERMARK,
      PROCESSING_TIME,
      /** The end of one {@code TestStream} event (e.g. after its elements): a barrier. */
      END_OF_EVENT
    }
  }

  private final Coder<T> coder;
  private final List<Step> steps;

  /** Mailbox thread only. */
  private int next;
  private ProcessingTimeService time;
  private long lastWatermark = Long.MIN_VALUE;

  public TestStreamOperator(Coder<T> coder, List<Step> steps) {
    this.coder = coder;
    this.steps = steps;
  }

  @Override
  public void open(OperatorContext context, Output output) {
    time = context.processingTimeService();
    if (context.subtaskIndex() != 0) {
      next = steps.size();
    }
  }

  @Override
  public Status emitNext(Output output) throws Exception {
    for (int n = 0; n < MAX_EVENTS_PER_CALL; n++) {
      if (next == steps.size()) {
        return Status.END_OF_INPUT;
      }
      Step step = steps.get(next++);
      switch (step.kind()) {
        case ELEMENT -> {
          T value = CoderUtils.decodeFromByteArray(coder, step.value());
          WindowedValue<T> wv = WindowedValue.timestampedValueInGlobalWindow(value, new Instant(step.millis()));
          output.emit(0, wv, step.millis());
        }
        case WATERMARK -> {
          if (step.millis() > lastWatermark) {
            lastWatermark = step.millis();
            output.emitWatermark(step.millis());
          }
          output.emitProcessingTime(time.currentTime());
        }
        case PROCESSING_TIME -> output.emitProcessingTime(advanced(time.currentTime(), step.millis()));
        case END_OF_EVENT -> output.emitProcessingTime(time.currentTime());
      }
    }
    return Status.MORE_AVAILABLE;
  }

  /** {@code now + advance}, saturating (the clock starts near Long.MIN_VALUE / 1000). */
  static long advanced(long now, long advance) {
    long sum = now + advance;
    return ((now ^ sum) & (advance ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  @Override
  public void finish() {}

  @Override
  public void close() {}
}
