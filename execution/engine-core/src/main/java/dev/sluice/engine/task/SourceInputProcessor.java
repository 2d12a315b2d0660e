package dev.sluice.engine.task;

import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.SourceOperator;
import dev.sluice.engine.api.Watermarks;
import java.util.concurrent.CompletableFuture;

/**
 * Drives a source head: one {@code emitNext} per step. On NOTHING_AVAILABLE the task parks until
 * the source's {@code available()} future completes (it signals the mailbox) or mail arrives;
 * on END_OF_INPUT, or at the first step after {@link #requestEnd()} (drain), it emits watermark
 * +infinity and runs the task's end-of-input action.
 *
 * <p>Task thread only.
 */
final class SourceInputProcessor implements MailboxProcessor.DefaultAction {

  private final SourceOperator source;
  private final Output output;
  private final TaskMailbox mailbox;
  private final TaskMailbox.ThrowingRunnable onEndOfInput;
  /** The availability future we already hooked the mailbox signal to. */
  private CompletableFuture<?> watched;
  private boolean ended;
  /** The job is drained: end at the next step, as if the source returned END_OF_INPUT. */
  private boolean endRequested;

  SourceInputProcessor(SourceOperator source, Output output, TaskMailbox mailbox, TaskMailbox.ThrowingRunnable onEndOfInput) {
    this.source = source;
    this.output = output;
    this.mailbox = mailbox;
    this.onEndOfInput = onEndOfInput;
  }

  @Override
  public boolean runStep() throws Exception {
    if (ended) {
      return false;
    }
    if (endRequested) {
      endInput();
      return true;
    }
    switch (source.emitNext(output)) {
      case MORE_AVAILABLE:
        return true;
      case NOTHING_AVAILABLE:
        CompletableFuture<?> f = source.available();
        if (f == null || f.isDone()) {
          return true;
        }
        if (f != watched) {
          watched = f;
          f.whenComplete((r, e) -> mailbox.signal());
        }
        return false;
      case END_OF_INPUT:
        endInput();
        return true;
      default:
        throw new IllegalStateException("Unknown source status");
    }
  }

  /**
   * Drain: the source reads no more; the next step ends the input (watermark +infinity, then
   * the end-of-input action) whatever the source would return. No-op once ended.
   */
  void requestEnd() {
    endRequested = true;
  }

  private void endInput() throws Exception {
    ended = true;
    output.emitWatermark(Watermarks.MAX);
    onEndOfInput.run();
  }
}
