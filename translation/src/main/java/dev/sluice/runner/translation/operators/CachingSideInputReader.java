package dev.sluice.runner.translation.operators;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.runners.core.SideInputReader;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Remembers the views a {@link SideInputReader} built, per view and window.
 * {@code SideInputHandler.get} applies the view's {@code ViewFn} on every call, which for a map
 * or multimap view rebuilds the whole map: per main-input element that is quadratic. In batch
 * the operator only reads side inputs once they are complete, so a built view never changes; in
 * streaming a new pane changes it, and {@link #invalidate()} forgets what was built.
 *
 * <p>Holds at most {@link #MAX_ENTRIES} views (least recently used go first), so many windows
 * do not pin memory. Mailbox thread only.
 */
final class CachingSideInputReader implements SideInputReader {

  static final int MAX_ENTRIES = 1000;

  private record Key(PCollectionView<?> view, BoundedWindow window) {}

  /** A view may legitimately be null (e.g. a singleton of null); this marks it in the map. */
  private static final Object NULL = new Object();

  private final SideInputReader delegate;
  private final Map<Key, Object> cache = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Object> eldest) {
      return size() > MAX_ENTRIES;
    }
  };

  CachingSideInputReader(SideInputReader delegate) {
    this.delegate = delegate;
  }

  /** The views' contents changed: built views are stale. */
  void invalidate() {
    cache.clear();
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(PCollectionView<T> view, BoundedWindow window) {
    Key key = new Key(view, window);
    Object cached = cache.get(key);
    if (cached == null) {
      T value = delegate.get(view, window);
      cache.put(key, value == null ? NULL : value);
      return value;
    }
    return cached == NULL ? null : (T) cached;
  }

  @Override
  public <T> boolean contains(PCollectionView<T> view) {
    return delegate.contains(view);
  }

  @Override
  public boolean isEmpty() {
    return delegate.isEmpty();
  }
}
