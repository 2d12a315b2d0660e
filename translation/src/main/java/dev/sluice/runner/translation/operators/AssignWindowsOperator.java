package dev.sluice.runner.translation.operators;

import dev.sluice.engine.api.AbstractOperator;
import java.util.Collection;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.util.WindowedValue;
import org.joda.time.Instant;

/**
 * Window.into: replaces each element's windows with those its {@link WindowFn} assigns, keeping
 * value, timestamp and pane. An element in several windows is assigned per window (the
 * WindowFn may look at the window it was in). Stateless; watermarks pass through.
 */
public final class AssignWindowsOperator<T, W extends BoundedWindow> extends AbstractOperator {

  private final WindowFn<T, W> windowFn;

  public AssignWindowsOperator(WindowFn<T, W> windowFn) {
    this.windowFn = windowFn;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void processElement(int input, Object value, long timestamp) throws Exception {
    WindowedValue<T> wv = (WindowedValue<T>) value;
    if (wv.getWindows().size() == 1) {
      Collection<W> windows = assign(wv, wv.getWindows().iterator().next());
      output.emit(0, WindowedValue.of(wv.getValue(), wv.getTimestamp(), windows, wv.getPane()), timestamp);
      return;
    }
    for (WindowedValue<T> single : wv.explodeWindows()) {
      Collection<W> windows = assign(single, single.getWindows().iterator().next());
      output.emit(0, WindowedValue.of(wv.getValue(), wv.getTimestamp(), windows, wv.getPane()), timestamp);
    }
  }

  private Collection<W> assign(WindowedValue<T> wv, BoundedWindow window) throws Exception {
    return windowFn.assignWindows(windowFn.new AssignContext() {
      @Override
      public T element() {
        return wv.getValue();
      }

      @Override
      public Instant timestamp() {
        return wv.getTimestamp();
      }

      @Override
      public BoundedWindow window() {
        return window;
      }
    });
  }
}
