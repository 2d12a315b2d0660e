package dev.sluice.runner.translation.operators;

import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.ProcessingTimeService;
import dev.sluice.engine.api.SourceOperator;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.WindowedValue;
import org.joda.time.Instant;

/**
 * Replays a Beam {@code TestStream}: elements with their timestamps (global window), watermark
 * advances, and processing-time advances, in order, at parallelism 1 (a wider vertex replays
 * only in subtask 0; the others end at once).
 *
 * <p>A processing-time advance of {@code d} waits, without blocking the task, until real
 * processing time has passed {@code d} before the next event is emitted. Downstream
 * processing-time timers then see at least that much time pass; the engine has no
 * controllable, job-wide clock yet, so they may see more.
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
    public enum Kind { ELEMENT, WATERMARK, PROCESSING_TIME }
  }

  private final Coder<T> coder;
  private final List<Step> steps;

  /** Mailbox thread only. */
  private int next;
  private ProcessingTimeService time;
  private CompletableFuture<Void> waiting;
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
    if (waiting != null) {
      if (!waiting.isDone()) {
        return Status.NOTHING_AVAILABLE;
      }
      waiting = null;
    }
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
        }
        case PROCESSING_TIME -> {
          CompletableFuture<Void> f = new CompletableFuture<>();
          waiting = f;
          time.registerTimer(time.currentTime() + step.millis(), t -> f.complete(null));
          return Status.NOTHING_AVAILABLE;
        }
      }
    }
    return Status.MORE_AVAILABLE;
  }

  @Override
  public CompletableFuture<?> available() {
    return waiting == null ? CompletableFuture.completedFuture(null) : waiting;
  }

  @Override
  public void finish() {}

  @Override
  public void close() {}
}
