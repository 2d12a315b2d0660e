package dev.sluice.runner.translation.operators;

import dev.sluice.engine.api.OperatorContext;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.SideInputHandler;
import org.apache.beam.runners.core.SideInputReader;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Side inputs read only once complete, shared by {@link DoFnOperator} (batch) and
 * {@link SplittableDoFnOperator}: side input elements are gathered per window and published to a
 * {@link SideInputHandler} when each side input ends; main input elements that arrive while a
 * side input is still running wait in a {@link SpillingBuffer} (memory, then a spill file) until
 * the last one ended. The operator holds its watermark meanwhile.
 *
 * <h3>Threading model</h3>
 * Mailbox thread only, like the operator that owns it.
 *
 * <h3>Lifecycle</h3>
 * Built in the operator's {@code open} -> side and main elements -> each side input ends (the
 * last one: {@link #drainPushedBack}) -> {@link #close()} deletes the spill file.
 */
final class BatchSideInputs implements Closeable {

  private final SideInputHandler handler;
  private final SideInputReader reader;
  private final SideInputCollector collector;
  private final boolean[] ended;
  private int running;
  /** Main input elements that arrived before every side input ended. */
  private final SpillingBuffer<WindowedValue<Object>> pushedBack;

  /**
   * @param views the side inputs in input order
   * @param mainCoder coder of the (windowed) main input elements that may be pushed back
   */
  BatchSideInputs(List<PCollectionView<?>> views, Coder<WindowedValue<Object>> mainCoder, OperatorContext context) {
    // Not keyed: the side input state is the subtask's own, shared by all keys.
    handler = new SideInputHandler(views, InMemoryStateInternals.forKey(null));
    // Side inputs are read only once complete, so built views can be cached.
    reader = new CachingSideInputReader(handler);
    collector = new SideInputCollector(views);
    ended = new boolean[views.size()];
    running = views.size();
    pushedBack = new SpillingBuffer<>(mainCoder, context.tempDirectory(), Math.max(1 << 20, context.managedMemoryBytes() / 2));
  }

  SideInputReader reader() {
    return reader;
  }

  /** Whether a side input is still running: main input elements must be pushed back. */
  boolean running() {
    return running > 0;
  }

  int count() {
    return ended.length;
  }

  /** An element of side input {@code index}. */
  void add(int index, WindowedValue<?> value) {
    collector.add(index, value);
  }

  void pushBack(WindowedValue<Object> value) throws IOException {
    pushedBack.add(value);
  }

  /**
   * Side input {@code index} ended: publishes its views (once).
   *
   * @return whether it was the last running one
   */
  boolean end(int index) {
    if (ended[index]) {
      return false;
    }
    ended[index] = true;
    collector.publish(index, handler);
    running--;
    return running == 0;
  }

  boolean hasPushedBack() {
    return !pushedBack.isEmpty();
  }

  long pushedBackSize() {
    return pushedBack.size();
  }

  /** Hands the pushed-back main input elements, in arrival order, to {@code consumer}. */
  void drainPushedBack(SpillingBuffer.Consumer<WindowedValue<Object>> consumer) throws Exception {
    pushedBack.drain(consumer);
  }

  @Override
  public void close() throws IOException {
    pushedBack.close();
  }
}
