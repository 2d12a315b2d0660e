package dev.sluice.runner.translation.operators;

import dev.sluice.engine.api.Watermarks;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.SideInputHandler;
import org.apache.beam.runners.core.SideInputReader;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * The side inputs of a {@link DoFnOperator} in streaming: views that fill in while the main
 * input runs, and main-input elements pushed back until the views they read are ready.
 *
 * <p>Side input {@code i} arrives at operator input {@code 1 + i} as panes from a
 * {@link SideInputMaterializeOperator}: each {@code WindowedValue<Iterable<?>>} is the contents
 * of one window as of one firing and replaces what the view held for that window, so later
 * main-input elements see the newer value (a triggered side input) and earlier firings are not
 * accumulated twice.
 *
 * <p>Readiness: a main-input window is ready when, for every view, the side-input window it
 * maps to ({@code view.getWindowMappingFn()}) has received a pane, or that side input's
 * watermark has passed the end of the side-input window (then it never will get an on-time pane:
 * the view is empty and reads as its default). An element whose windows are not all ready is
 * split by window: ready windows are processed at once, the others are pushed back into a
 * {@link SpillingBuffer} and retried whenever a pane arrives or a side-input watermark advances.
 * Elements are never dropped; once every side input ended, everything is ready.
 *
 * <p>Watermark: the main input's watermark, held at the earliest timestamp of a pushed-back
 * element: {@code effective = min(main watermark, min(pushed-back timestamps))}. The operator
 * fires its timers and forwards its output watermark from {@code effective} only (via the
 * {@link WatermarkAdvancer}), so a stateful DoFn never sees its window expire before the
 * pushed-back elements of that window ran. Side-input watermarks only decide readiness; they
 * do not hold the output.
 *
 * <p>All inputs stay readable all the time (nothing blocks on a side input), so a main and a
 * side input from the same upstream task cannot deadlock.
 *
 * <h3>Threading model</h3>
 * Mailbox thread only.
 *
 * <h3>Lifecycle</h3>
 * Built in the operator's {@code open}; {@link #finish()} when all inputs ended (every
 * pushed-back element runs); {@link #close()} deletes the spill file. View contents live in
 * memory per window for the life of the operator (not checkpointed yet, like the rest of the
 * operator's non-keyed state).
 */
final class StreamingSideInputs implements Closeable {

  /** Processes one main-input element whose side inputs are ready. */
  @FunctionalInterface
  interface MainProcessor {
    void process(WindowedValue<Object> element) throws Exception;
  }

  /** Fires timers up to, and forwards the output watermark for, the effective input watermark. */
  @FunctionalInterface
  interface WatermarkAdvancer {
    void advance(long watermark) throws Exception;
  }

  private final List<PCollectionView<?>> views;
  private final SideInputHandler handler;
  private final CachingSideInputReader reader;
  private final MainProcessor processor;
  private final WatermarkAdvancer advancer;
  private final Coder<WindowedValue<Object>> elementCoder;
  private final File spillDirectory;
  private final long memoryLimitBytes;

  /** Per side input: its watermark (+infinity once it ended). */
  private final long[] sideWatermarks;
  private long mainWatermark = Watermarks.MIN;
  /** The last effective watermark handed to the advancer. */
  private long advancedWatermark = Watermarks.MIN;
  /** Main-input elements (one window each) waiting for side inputs, in arrival order. */
  private SpillingBuffer<WindowedValue<Object>> pushedBack;
  /** Earliest timestamp in {@link #pushedBack}; {@link Watermarks#MAX} when it is empty. */
  private long pushedBackHold = Watermarks.MAX;
  /**
   * Per side input: the earliest end (max timestamp) of a side-input window that a pushed-back
   * element waits for; {@link Watermarks#MAX} if none. A side watermark that does not pass it
   * cannot make anything ready, so it costs no pass over the buffer.
   */
  private final long[] earliestAwaited;
  /**
   * Per side input: the side-input windows that pushed-back elements wait for. A pane of another
   * window cannot make anything ready, so it costs no pass over the buffer either.
   */
  private final List<Set<BoundedWindow>> awaitedWindows = new ArrayList<>();

  StreamingSideInputs(
      List<PCollectionView<?>> views,
      Coder<WindowedValue<Object>> elementCoder,
      File spillDirectory,
      long memoryLimitBytes,
      MainProcessor processor,
      WatermarkAdvancer advancer) {
    this.views = views;
    // Not keyed: the side input contents are the subtask's own, shared by all keys.
    this.handler = new SideInputHandler(views, InMemoryStateInternals.forKey(null));
    this.reader = new CachingSideInputReader(handler);
    this.processor = processor;
    this.advancer = advancer;
    this.elementCoder = elementCoder;
    this.spillDirectory = spillDirectory;
    this.memoryLimitBytes = memoryLimitBytes;
    this.sideWatermarks = new long[views.size()];
    Arrays.fill(sideWatermarks, Watermarks.MIN);
    this.earliestAwaited = new long[views.size()];
    Arrays.fill(earliestAwaited, Watermarks.MAX);
    for (int i = 0; i < views.size(); i++) {
      awaitedWindows.add(new HashSet<>());
    }
    this.pushedBack = newBuffer();
  }

  /** What the DoFn reads its side inputs through. */
  SideInputReader reader() {
    return reader;
  }

  /** A main-input element: processed in its ready windows, pushed back in the others. */
  void processMain(WindowedValue<Object> element) throws Exception {
    Collection<? extends BoundedWindow> windows = element.getWindows();
    if (allReady(windows)) {
      processor.process(element);
      return;
    }
    if (windows.size() == 1) {
      pushBack(element);
      return;
    }
    for (WindowedValue<Object> one : element.explodeWindows()) {
      if (isReady(one.getWindows().iterator().next())) {
        processor.process(one);
      } else {
        pushBack(one);
      }
    }
  }

  /** One pane of side input {@code index}: replaces the view's contents in its windows. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  void processSideInput(int index, WindowedValue<?> pane) throws Exception {
    handler.addSideInputValue(views.get(index), (WindowedValue) pane);
    reader.invalidate();
    boolean awaited = false;
    for (BoundedWindow window : pane.getWindows()) {
      awaited |= awaitedWindows.get(index).contains(window);
    }
    if (awaited) {
      retryPushedBack();
      advanceIfPossible();
    }
  }

  /** The watermark of operator input {@code input} (0: main, {@code 1 + i}: side input i) advanced. */
  void processWatermark(int input, long watermark) throws Exception {
    if (input == 0) {
      mainWatermark = Math.max(mainWatermark, watermark);
    } else if (watermark > sideWatermarks[input - 1]) {
      sideWatermarks[input - 1] = watermark;
      if (watermark > earliestAwaited[input - 1]) {
        retryPushedBack();
      }
    }
    advanceIfPossible();
  }

  /** All inputs ended: every window is ready now, so every pushed-back element runs. */
  void finish() throws Exception {
    Arrays.fill(sideWatermarks, Watermarks.MAX);
    mainWatermark = Watermarks.MAX;
    retryPushedBack();
    advanceIfPossible();
  }

  /** {@code min(main watermark, earliest pushed-back timestamp)}. */
  long effectiveWatermark() {
    return Math.min(mainWatermark, pushedBackHold);
  }

  /** Number of main-input elements (one per window) waiting for side inputs. */
  long pushedBackCount() {
    return pushedBack.size();
  }

  private void advanceIfPossible() throws Exception {
    long effective = effectiveWatermark();
    if (effective > advancedWatermark) {
      advancedWatermark = effective;
      advancer.advance(effective);
    }
  }

  private boolean allReady(Collection<? extends BoundedWindow> windows) {
    for (BoundedWindow window : windows) {
      if (!isReady(window)) {
        return false;
      }
    }
    return true;
  }

  /** Whether every view has a pane, or a complete absence of one, for {@code mainWindow}. */
  private boolean isReady(BoundedWindow mainWindow) {
    for (int i = 0; i < views.size(); i++) {
      if (!isReady(i, sideWindow(i, mainWindow))) {
        return false;
      }
    }
    return true;
  }

  private BoundedWindow sideWindow(int index, BoundedWindow mainWindow) {
    return views.get(index).getWindowMappingFn().getSideInputWindow(mainWindow);
  }

  /** Side input {@code index} has a pane for {@code sideWindow}, or its watermark passed it. */
  private boolean isReady(int index, BoundedWindow sideWindow) {
    return sideWatermarks[index] > sideWindow.maxTimestamp().getMillis()
        || handler.isReady(views.get(index), sideWindow);
  }

  /** {@code element} has one window, which is not ready. */
  private void pushBack(WindowedValue<Object> element) throws IOException {
    pushedBack.add(element);
    pushedBackHold = Math.min(pushedBackHold, element.getTimestamp().getMillis());
    BoundedWindow mainWindow = element.getWindows().iterator().next();
    for (int i = 0; i < views.size(); i++) {
      BoundedWindow sideWindow = sideWindow(i, mainWindow);
      if (!isReady(i, sideWindow)) {
        earliestAwaited[i] = Math.min(earliestAwaited[i], sideWindow.maxTimestamp().getMillis());
        awaitedWindows.get(i).add(sideWindow);
      }
    }
  }

  /**
   * Runs the pushed-back elements that became ready and keeps the others, in order. Costs one
   * pass over the buffer; called per side-input pane of an awaited window, and per side-input
   * watermark that passes the end of an awaited side-input window.
   */
  private void retryPushedBack() throws Exception {
    if (pushedBack.isEmpty()) {
      return;
    }
    SpillingBuffer<WindowedValue<Object>> waiting = pushedBack;
    pushedBack = newBuffer();
    pushedBackHold = Watermarks.MAX;
    Arrays.fill(earliestAwaited, Watermarks.MAX);
    awaitedWindows.forEach(Set::clear);
    try (waiting) {
      waiting.drain(element -> {
        if (isReady(element.getWindows().iterator().next())) {
          processor.process(element);
        } else {
          pushBack(element);
        }
      });
    }
  }

  private SpillingBuffer<WindowedValue<Object>> newBuffer() {
    return new SpillingBuffer<>(elementCoder, spillDirectory, memoryLimitBytes);
  }

  @Override
  public void close() throws IOException {
    pushedBack.close();
  }
}
