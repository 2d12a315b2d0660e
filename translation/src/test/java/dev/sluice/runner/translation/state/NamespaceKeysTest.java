package dev.sluice.runner.translation.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class NamespaceKeysTest {

  private final NamespaceKeys keys = new NamespaceKeys();

  @Test
  void shouldGiveEqualNamespacesEqualKeysAndDifferentOnesDifferentKeys() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 20_000; i++) { // more windows than the interval table has slots
      IntervalWindow w = new IntervalWindow(new Instant(i), new Instant(i + 10 + i % 3));
      StateNamespace window = StateNamespaces.window(IntervalWindow.getCoder(), w);
      String key = keys.of(window);
      assertThat(keys.of(StateNamespaces.window(IntervalWindow.getCoder(), w))).isEqualTo(key);
      assertThat(seen.add(key)).as("key of %s is new", w).isTrue();
      assertThat(seen.add(keys.of(StateNamespaces.windowAndTrigger(IntervalWindow.getCoder(), w, 0)))).isTrue();
      assertThat(seen.add(keys.of(StateNamespaces.windowAndTrigger(IntervalWindow.getCoder(), w, 12)))).isTrue();
    }
    assertThat(keys.of(StateNamespaces.window(IntervalWindow.getCoder(), new IntervalWindow(new Instant(5), new Instant(15)))))
        .isEqualTo(keys.of(StateNamespaces.window(IntervalWindow.getCoder(), new IntervalWindow(new Instant(5), new Instant(15)))));
    assertThat(seen).doesNotContain(keys.of(StateNamespaces.global()),
        keys.of(StateNamespaces.window(GlobalWindow.Coder.INSTANCE, GlobalWindow.INSTANCE)));
  }

  @Test
  void shouldGiveGlobalWindowNamespacesTheirStringKeys() {
    StateNamespace global = StateNamespaces.global();
    StateNamespace globalWindow = StateNamespaces.window(GlobalWindow.Coder.INSTANCE, GlobalWindow.INSTANCE);
    assertThat(keys.of(global)).isEqualTo(global.stringKey());
    assertThat(keys.of(globalWindow)).isEqualTo(globalWindow.stringKey()).isSameAs(keys.of(globalWindow));
    Set<String> seen = new HashSet<>(Set.of(keys.of(global), keys.of(globalWindow)));
    assertThat(seen).hasSize(2); // the global namespace is not the global window's
    for (int index : new int[] {0, 1, 7, 63, 64, 500}) { // 64 and up: past the per-index table
      StateNamespace trigger = StateNamespaces.windowAndTrigger(GlobalWindow.Coder.INSTANCE, GlobalWindow.INSTANCE, index);
      assertThat(keys.of(trigger)).isEqualTo(trigger.stringKey()).isEqualTo(keys.of(trigger));
      assertThat(seen.add(keys.of(trigger))).as("key of trigger index %s is new", index).isTrue();
    }
  }
}
