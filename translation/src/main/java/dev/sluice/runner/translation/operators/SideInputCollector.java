package dev.sluice.runner.translation.operators;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.SideInputHandler;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Gathers the elements of each side input per window until the side input ends, then hands the
 * complete contents to a {@link SideInputHandler}. {@code SideInputHandler.addSideInputValue}
 * replaces a window's contents rather than appending, so it must see each window exactly once,
 * complete.
 *
 * <p>Mailbox thread only.
 */
final class SideInputCollector {

  private final List<PCollectionView<?>> views;
  /** Per side input: window -> values. Cleared once published. */
  private final List<Map<BoundedWindow, List<Object>>> contents = new ArrayList<>();

  SideInputCollector(List<PCollectionView<?>> views) {
    this.views = views;
    for (int i = 0; i < views.size(); i++) {
      contents.add(new LinkedHashMap<>());
    }
  }

  /** Adds one element of side input {@code index} to each of its windows. */
  void add(int index, WindowedValue<?> value) {
    Map<BoundedWindow, List<Object>> windows = contents.get(index);
    for (BoundedWindow window : value.getWindows()) {
      windows.computeIfAbsent(window, w -> new ArrayList<>()).add(value.getValue());
    }
  }

  /** Side input {@code index} ended: publishes all its windows and forgets them. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  void publish(int index, SideInputHandler handler) {
    Map<BoundedWindow, List<Object>> windows = contents.get(index);
    for (Map.Entry<BoundedWindow, List<Object>> e : windows.entrySet()) {
      BoundedWindow window = e.getKey();
      WindowedValue<Iterable<?>> all = (WindowedValue) WindowedValue.of(e.getValue(), window.maxTimestamp(), window, PaneInfo.NO_FIRING);
      handler.addSideInputValue(views.get(index), all);
    }
    contents.set(index, new HashMap<>());
  }
}
