package dev.sluice.engine.state;

import static dev.sluice.engine.state.TestSerializers.INT;
import static dev.sluice.engine.state.TestSerializers.LONG;
import static dev.sluice.engine.state.TestSerializers.STRING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.engine.api.KeyGroupRange;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link KeyedStateBackend} must have. A backend's test extends this class
 * and only says how to build the backend (heap now, RocksDB later).
 */
public abstract class StateBackendContractTest {

  protected static final int MAX_PARALLELISM = 128;
  protected static final KeyGroupRange ALL = new KeyGroupRange(0, MAX_PARALLELISM - 1);

  private static final ValueStateDescriptor<Long> COUNT = new ValueStateDescriptor<>("count", LONG);
  private static final ListStateDescriptor<String> ELEMENTS =
      new ListStateDescriptor<>("elements", STRING);
  private static final MapStateDescriptor<String, Integer> INDEX =
      new MapStateDescriptor<>("index", STRING, INT);

  private final List<KeyedStateBackend<?>> backends = new ArrayList<>();

  /** The factory of the backend under test. */
  protected abstract KeyedStateBackendFactory backendFactory();

  private KeyedStateBackend<String> backend(KeyGroupRange range, Collection<KeyedStateHandle> restore)
      throws Exception {
    KeyedStateBackend<String> backend =
        backendFactory()
            .createKeyedStateBackend("Test (1/1)", STRING, MAX_PARALLELISM, range, restore);
    backends.add(backend);
    return backend;
  }

  private KeyedStateBackend<String> backend() throws Exception {
    return backend(ALL, List.of());
  }

  @AfterEach
  void closeBackends() {
    backends.forEach(KeyedStateBackend::close);
  }

  // ---- value, list, map ------------------------------------------------------------------

  @Test
  void shouldKeepValuesPerKeyAndNamespace() throws Exception {
    KeyedStateBackend<String> backend = backend();
    ValueState<Long> a = backend.getState(COUNT, STRING, "window-a");
    ValueState<Long> b = backend.getState(COUNT, STRING, "window-b");
    backend.setCurrentKey("k1");
    assertThat(a.value()).isNull();
    a.update(1L);
    b.update(2L);
    backend.setCurrentKey("k2");
    assertThat(a.value()).isNull();
    a.update(10L);
    backend.setCurrentKey("k1");
    assertThat(a.value()).isEqualTo(1L);
    assertThat(b.value()).isEqualTo(2L);
    assertThat(backend.getState(COUNT, STRING, "window-a").value()).isEqualTo(1L);
    a.clear();
    assertThat(a.value()).isNull();
    assertThat(b.value()).isEqualTo(2L);
    b.update(null);
    assertThat(b.value()).isNull();
    backend.setCurrentKey("k2");
    assertThat(a.value()).isEqualTo(10L);
  }

  @Test
  void shouldKeepListsInInsertionOrder() throws Exception {
    KeyedStateBackend<String> backend = backend();
    ListState<String> list = backend.getState(ELEMENTS, STRING, "ns");
    backend.setCurrentKey("k");
    assertThat(list.get()).isEmpty();
    assertThat(list.isEmpty()).isTrue();
    list.add("a");
    list.addAll(List.of("b", "c"));
    Iterable<String> before = list.get();
    list.add("d");
    assertThat(before).containsExactly("a", "b", "c");
    assertThat(list.get()).containsExactly("a", "b", "c", "d");
    assertThat(list.isEmpty()).isFalse();
    list.update(List.of("x"));
    assertThat(list.get()).containsExactly("x");
    list.update(List.of());
    assertThat(list.isEmpty()).isTrue();
    list.add("y");
    list.clear();
    assertThat(list.get()).isEmpty();
    assertThatThrownBy(() -> list.add(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void shouldSupportMapOperations() throws Exception {
    KeyedStateBackend<String> backend = backend();
    MapState<String, Integer> map = backend.getState(INDEX, STRING, "ns");
    backend.setCurrentKey("k");
    assertThat(map.isEmpty()).isTrue();
    assertThat(map.get("a")).isNull();
    map.put("a", 1);
    map.putAll(Map.of("b", 2, "c", 3));
    map.put("a", 4);
    assertThat(map.get("a")).isEqualTo(4);
    assertThat(map.contains("b")).isTrue();
    assertThat(map.contains("z")).isFalse();
    assertThat(map.keys()).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(map.values()).containsExactlyInAnyOrder(4, 2, 3);
    Map<String, Integer> entries = new HashMap<>();
    map.entries().forEach(e -> entries.put(e.getKey(), e.getValue()));
    assertThat(entries).isEqualTo(Map.of("a", 4, "b", 2, "c", 3));
    map.remove("a");
    map.remove("b");
    assertThat(map.keys()).containsExactly("c");
    map.remove("c");
    assertThat(map.isEmpty()).isTrue();
    map.put("d", 5);
    backend.setCurrentKey("other");
    assertThat(map.isEmpty()).isTrue();
    backend.setCurrentKey("k");
    map.clear();
    assertThat(map.isEmpty()).isTrue();
  }

  @Test
  void shouldIsolateStatesOfDifferentNames() throws Exception {
    KeyedStateBackend<String> backend = backend();
    ValueState<Long> one = backend.getState(new ValueStateDescriptor<>("one", LONG), STRING, "ns");
    ValueState<Long> two = backend.getState(new ValueStateDescriptor<>("two", LONG), STRING, "ns");
    backend.setCurrentKey("k");
    one.update(1L);
    assertThat(two.value()).isNull();
  }

  @Test
  void shouldListKeysWithStateInNamespace() throws Exception {
    KeyedStateBackend<String> backend = backend();
    ValueState<Long> a = backend.getState(COUNT, STRING, "a");
    ValueState<Long> b = backend.getState(COUNT, STRING, "b");
    for (int i = 0; i < 50; i++) {
      backend.setCurrentKey("key-" + i);
      (i % 2 == 0 ? a : b).update((long) i);
    }
    List<String> keys = backend.keys("count", "a");
    assertThat(keys).hasSize(25).allMatch(k -> Integer.parseInt(k.substring(4)) % 2 == 0);
    assertThat(backend.keys("no-such-state", "a")).isEmpty();
  }

  // ---- keys and key groups ---------------------------------------------------------------

  @Test
  void shouldRejectKeyOutsideKeyGroupRange() throws Exception {
    KeyGroupRange firstHalf = KeyGroupRange.forSubtask(MAX_PARALLELISM, 2, 0);
    KeyedStateBackend<String> backend = backend(firstHalf, List.of());
    String foreign = keyOwnedBy(1, 2, 0);
    assertThatThrownBy(() -> backend.setCurrentKey(foreign))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(foreign)
        .hasMessageContaining("key group");
    String own = keyOwnedBy(0, 2, 0);
    backend.setCurrentKey(own);
    assertThat(backend.getCurrentKey()).isEqualTo(own);
    assertThat(backend.getCurrentKeyGroup())
        .isEqualTo(KeyGroupRange.assignToKeyGroup(own.hashCode(), MAX_PARALLELISM));
  }

  @Test
  void shouldFailStateAccessWithoutCurrentKey() throws Exception {
    KeyedStateBackend<String> backend = backend();
    ValueState<Long> state = backend.getState(COUNT, STRING, "ns");
    assertThatThrownBy(state::value)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("current key");
  }

  @Test
  void shouldRejectStateNameRegisteredAsOtherKind() throws Exception {
    KeyedStateBackend<String> backend = backend();
    backend.getState(COUNT, STRING, "ns");
    assertThatThrownBy(
            () -> backend.getState(new ListStateDescriptor<>("count", LONG), STRING, "ns"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("count");
  }

  // ---- timers ----------------------------------------------------------------------------

  @Test
  void shouldFireEventTimersInTimestampOrderExactlyOnce() throws Exception {
    KeyedStateBackend<String> backend = backend();
    RecordingTriggerable fired = new RecordingTriggerable(backend);
    InternalTimerService<String> timers = backend.timerService("timers", STRING, fired);
    long[] timestamps = {30, 10, 20, 10, 5, 40};
    for (int i = 0; i < timestamps.length; i++) {
      backend.setCurrentKey("key-" + i);
      timers.registerEventTimeTimer("ns", timestamps[i]);
    }
    assertThat(timers.nextEventTime()).isEqualTo(5);
    timers.advanceWatermark(20);
    assertThat(fired.eventTimestamps()).containsExactly(5L, 10L, 10L, 20L);
    assertThat(fired.events).contains("key-1/ns/10", "key-3/ns/10", "key-4/ns/5", "key-2/ns/20");
    assertThat(timers.currentWatermark()).isEqualTo(20);
    timers.advanceWatermark(20);
    assertThat(fired.events).hasSize(4);
    timers.advanceWatermark(Long.MAX_VALUE);
    assertThat(fired.eventTimestamps()).containsExactly(5L, 10L, 10L, 20L, 30L, 40L);
    assertThat(timers.numberOfTimers()).isZero();
    assertThat(timers.nextEventTime()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void shouldDeduplicateTimersPerKeyNamespaceAndTimestamp() throws Exception {
    KeyedStateBackend<String> backend = backend();
    RecordingTriggerable fired = new RecordingTriggerable(backend);
    InternalTimerService<String> timers = backend.timerService("timers", STRING, fired);
    backend.setCurrentKey("k");
    timers.registerEventTimeTimer("ns", 7);
    timers.registerEventTimeTimer("ns", 7);
    timers.registerEventTimeTimer("other-ns", 7);
    backend.setCurrentKey("k2");
    timers.registerEventTimeTimer("ns", 7);
    assertThat(timers.numberOfTimers()).isEqualTo(3);
    timers.advanceWatermark(100);
    assertThat(fired.events).containsExactlyInAnyOrder("k/ns/7", "k/other-ns/7", "k2/ns/7");
  }

  @Test
  void shouldNotFireDeletedTimers() throws Exception {
    KeyedStateBackend<String> backend = backend();
    RecordingTriggerable fired = new RecordingTriggerable(backend);
    InternalTimerService<String> timers = backend.timerService("timers", STRING, fired);
    backend.setCurrentKey("k");
    timers.registerEventTimeTimer("ns", 1);
    timers.registerEventTimeTimer("ns", 2);
    timers.registerProcessingTimeTimer("ns", 1);
    timers.registerProcessingTimeTimer("ns", 2);
    timers.deleteEventTimeTimer("ns", 1);
    timers.deleteProcessingTimeTimer("ns", 2);
    timers.deleteEventTimeTimer("ns", 99); // absent: no effect
    backend.setCurrentKey("k2");
    timers.deleteEventTimeTimer("ns", 2); // other key: no effect
    timers.advanceWatermark(10);
    timers.advanceProcessingTime(10);
    assertThat(fired.events).containsExactly("k/ns/2");
    assertThat(fired.processing).containsExactly("k/ns/1");
  }

  @Test
  void shouldFireDueTimerRegisteredDuringCallback() throws Exception {
    KeyedStateBackend<String> backend = backend();
    List<String> fired = new ArrayList<>();
    InternalTimerService<String>[] holder = new InternalTimerService[1];
    holder[0] =
        backend.timerService(
            "timers",
            STRING,
            new Triggerable<>() {
              @Override
              public void onEventTime(InternalTimer<String, String> timer) {
                fired.add(timer.key() + "@" + timer.timestamp());
                if (timer.timestamp() == 1) {
                  holder[0].registerEventTimeTimer("ns", 3); // due: fires in this advance
                  holder[0].registerEventTimeTimer("ns", 50); // not due
                  holder[0].deleteEventTimeTimer("ns", 2);
                }
              }

              @Override
              public void onProcessingTime(InternalTimer<String, String> timer) {}
            });
    backend.setCurrentKey("k");
    holder[0].registerEventTimeTimer("ns", 1);
    holder[0].registerEventTimeTimer("ns", 2);
    holder[0].advanceWatermark(10);
    assertThat(fired).containsExactly("k@1", "k@3");
    assertThat(holder[0].nextEventTime()).isEqualTo(50);
  }

  @Test
  void shouldFireProcessingTimersUpToTime() throws Exception {
    KeyedStateBackend<String> backend = backend();
    RecordingTriggerable fired = new RecordingTriggerable(backend);
    InternalTimerService<String> timers = backend.timerService("timers", STRING, fired);
    backend.setCurrentKey("a");
    timers.registerProcessingTimeTimer("ns", 200);
    backend.setCurrentKey("b");
    timers.registerProcessingTimeTimer("ns", 100);
    assertThat(timers.nextProcessingTime()).isEqualTo(100);
    timers.advanceProcessingTime(150);
    assertThat(fired.processing).containsExactly("b/ns/100");
    assertThat(timers.nextProcessingTime()).isEqualTo(200);
    timers.advanceProcessingTime(200);
    assertThat(fired.processing).containsExactly("b/ns/100", "a/ns/200");
    assertThat(fired.events).isEmpty();
  }

  @Test
  void shouldSeeEveryWriteWhenOneKeyAndNamespaceAreUsedRepeatedly() throws Exception {
    // The same key and namespace objects read and written in a row (as an operator does per
    // element), interleaved with other keys, other namespaces, clears, and equal other instances.
    KeyedStateBackend<String> backend = backend();
    String key = "key-" + 7;
    String window = "window-" + 1;
    ValueState<Long> count = backend.getState(COUNT, STRING, window);
    ValueState<Long> otherWindow = backend.getState(COUNT, STRING, "window-" + 2);
    for (long i = 1; i <= 5; i++) {
      backend.setCurrentKey(key);
      Long before = count.value();
      count.update(before == null ? 1L : before + 1);
      otherWindow.update(-i);
      assertThat(count.value()).isEqualTo(i);
      backend.setCurrentKey("other-" + i);
      assertThat(count.value()).isNull();
      count.update(100 + i);
    }
    backend.setCurrentKey(new String(key)); // equal, not the same instance
    assertThat(count.value()).isEqualTo(5L);
    assertThat(backend.getState(COUNT, STRING, new String(window)).value()).isEqualTo(5L);
    count.clear();
    assertThat(count.value()).isNull();
    backend.setCurrentKey(key);
    assertThat(count.value()).isNull();
    assertThat(otherWindow.value()).isEqualTo(-5L);
    count.update(42L);
    otherWindow.clear();
    assertThat(count.value()).isEqualTo(42L);
    assertThat(otherWindow.value()).isNull();
    assertThat(backend.keys(COUNT.name(), window)).contains(key, "other-1", "other-5");

    KeyedStateBackend<String> restored = backend(ALL, List.of(backend.snapshot(1).run()));
    ValueState<Long> restoredCount = restored.getState(COUNT, STRING, window);
    restored.setCurrentKey(key);
    assertThat(restoredCount.value()).isEqualTo(42L);
    assertThat(restored.getState(COUNT, STRING, "window-2").value()).isNull();
    restored.setCurrentKey("other-3");
    assertThat(restoredCount.value()).isEqualTo(103L);
  }

  // ---- snapshot and restore --------------------------------------------------------------

  @Test
  void shouldRestoreSnapshotIntoNewBackend() throws Exception {
    KeyedStateBackend<String> original = backend();
    List<String> keys = keys(100);
    populate(original, keys);
    KeyedStateHandle handle = original.snapshot(1).run();
    assertThat(handle.checkpointId()).isEqualTo(1);
    original.close();

    KeyedStateBackend<String> restored = backend(ALL, List.of(handle));
    verifyState(restored, keys);
    verifyTimers(restored, keys);
  }

  @Test
  void shouldKeepUnregisteredRestoredStateInNextSnapshot() throws Exception {
    KeyedStateBackend<String> original = backend();
    List<String> keys = keys(40);
    populate(original, keys);
    KeyedStateHandle first = original.snapshot(1).run();

    // The restored operator touches only the value state before the next checkpoint.
    KeyedStateBackend<String> middle = backend(ALL, List.of(first));
    ValueState<Long> count = middle.getState(COUNT, STRING, "a");
    middle.setCurrentKey(keys.get(0));
    count.update(1000L);
    KeyedStateHandle second = middle.snapshot(2).run();

    KeyedStateBackend<String> last = backend(ALL, List.of(second));
    last.setCurrentKey(keys.get(0));
    assertThat(last.getState(COUNT, STRING, "a").value()).isEqualTo(1000L);
    last.setCurrentKey(keys.get(1));
    assertThat(last.getState(COUNT, STRING, "a").value()).isEqualTo(expectedCount(keys.get(1)));
    verifyTimers(last, keys);
    // Lists and maps were never registered in "middle" but survived.
    for (String key : keys) {
      last.setCurrentKey(key);
      assertThat(last.getState(ELEMENTS, STRING, "a").get()).containsExactly(key + "-0", key + "-1");
      assertThat(last.getState(INDEX, STRING, "b").get("len")).isEqualTo(key.length());
    }
  }

  @Test
  void shouldRestoreWhenScalingFromTwoSubtasksToOne() throws Exception {
    List<String> keys = keys(200);
    List<KeyedStateHandle> handles = new ArrayList<>();
    for (int subtask = 0; subtask < 2; subtask++) {
      KeyedStateBackend<String> backend =
          backend(KeyGroupRange.forSubtask(MAX_PARALLELISM, 2, subtask), List.of());
      populate(backend, ownedKeys(keys, 2, subtask));
      handles.add(backend.snapshot(5).run());
    }
    KeyedStateBackend<String> merged = backend(ALL, handles);
    verifyState(merged, keys);
    verifyTimers(merged, keys);
  }

  @Test
  void shouldRestoreWhenScalingFromOneSubtaskToTwo() throws Exception {
    List<String> keys = keys(200);
    KeyedStateBackend<String> single = backend();
    populate(single, keys);
    KeyedStateHandle handle = single.snapshot(3).run();
    for (int subtask = 0; subtask < 2; subtask++) {
      KeyGroupRange range = KeyGroupRange.forSubtask(MAX_PARALLELISM, 2, subtask);
      KeyedStateBackend<String> part = backend(range, List.of(handle));
      List<String> owned = ownedKeys(keys, 2, subtask);
      assertThat(owned).isNotEmpty().hasSizeLessThan(keys.size());
      verifyState(part, owned);
      verifyTimers(part, owned);
      assertThat(part.keys("count", "a")).containsExactlyInAnyOrderElementsOf(owned);
    }
  }

  /** Uneven range boundaries: every new subtask reads key groups of two old ones. */
  @Test
  void shouldRestoreWhenScalingFromTwoSubtasksToThree() throws Exception {
    List<String> keys = keys(300);
    List<KeyedStateHandle> handles = new ArrayList<>();
    for (int subtask = 0; subtask < 2; subtask++) {
      KeyedStateBackend<String> backend =
          backend(KeyGroupRange.forSubtask(MAX_PARALLELISM, 2, subtask), List.of());
      populate(backend, ownedKeys(keys, 2, subtask));
      handles.add(backend.snapshot(9).run());
    }
    int restoredKeys = 0;
    for (int subtask = 0; subtask < 3; subtask++) {
      KeyedStateBackend<String> part =
          backend(KeyGroupRange.forSubtask(MAX_PARALLELISM, 3, subtask), handles);
      List<String> owned = ownedKeys(keys, 3, subtask);
      verifyState(part, owned);
      verifyTimers(part, owned);
      restoredKeys += owned.size();
    }
    assertThat(restoredKeys).isEqualTo(keys.size());
  }

  // ---- helpers ---------------------------------------------------------------------------

  /** Writes, for each key: value, list and map state in two namespaces, and two timers. */
  private static void populate(KeyedStateBackend<String> backend, List<String> keys) {
    ValueState<Long> countA = backend.getState(COUNT, STRING, "a");
    ValueState<Long> countB = backend.getState(COUNT, STRING, "b");
    ListState<String> elements = backend.getState(ELEMENTS, STRING, "a");
    MapState<String, Integer> index = backend.getState(INDEX, STRING, "b");
    InternalTimerService<String> timers =
        backend.timerService("timers", STRING, new RecordingTriggerable(backend));
    for (String key : keys) {
      backend.setCurrentKey(key);
      countA.update(expectedCount(key));
      countB.update(-expectedCount(key));
      elements.add(key + "-0");
      elements.add(key + "-1");
      index.put("len", key.length());
      index.put("hash", key.hashCode());
      timers.registerEventTimeTimer("a", expectedCount(key));
      timers.registerProcessingTimeTimer("b", 10_000 + expectedCount(key));
    }
  }

  private static void verifyState(KeyedStateBackend<String> backend, List<String> keys) {
    ValueState<Long> countA = backend.getState(COUNT, STRING, "a");
    ValueState<Long> countB = backend.getState(COUNT, STRING, "b");
    ListState<String> elements = backend.getState(ELEMENTS, STRING, "a");
    ListState<String> elementsB = backend.getState(ELEMENTS, STRING, "b");
    MapState<String, Integer> index = backend.getState(INDEX, STRING, "b");
    for (String key : keys) {
      backend.setCurrentKey(key);
      assertThat(countA.value()).as("count of %s", key).isEqualTo(expectedCount(key));
      assertThat(countB.value()).isEqualTo(-expectedCount(key));
      assertThat(elements.get()).containsExactly(key + "-0", key + "-1");
      assertThat(elementsB.isEmpty()).isTrue();
      assertThat(index.get("len")).isEqualTo(key.length());
      assertThat(index.get("hash")).isEqualTo(key.hashCode());
    }
    assertThat(backend.keys("count", "a")).containsExactlyInAnyOrderElementsOf(keys);
  }

  private static void verifyTimers(KeyedStateBackend<String> backend, List<String> keys)
      throws Exception {
    RecordingTriggerable fired = new RecordingTriggerable(backend);
    InternalTimerService<String> timers = backend.timerService("timers", STRING, fired);
    assertThat(timers.numberOfTimers()).isEqualTo(2 * keys.size());
    timers.advanceWatermark(Long.MAX_VALUE);
    timers.advanceProcessingTime(Long.MAX_VALUE);
    List<String> expectedEvents = new ArrayList<>();
    List<String> expectedProcessing = new ArrayList<>();
    for (String key : keys) {
      expectedEvents.add(key + "/a/" + expectedCount(key));
      expectedProcessing.add(key + "/b/" + (10_000 + expectedCount(key)));
    }
    assertThat(fired.events).containsExactlyInAnyOrderElementsOf(expectedEvents);
    assertThat(fired.processing).containsExactlyInAnyOrderElementsOf(expectedProcessing);
    assertThat(fired.eventTimestamps()).isSorted();
    assertThat(timers.numberOfTimers()).isZero();
  }

  private static long expectedCount(String key) {
    return Integer.parseInt(key.substring(4)) * 3L + 1;
  }

  private static List<String> keys(int n) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add("key-" + i);
    }
    return keys;
  }

  private static List<String> ownedKeys(List<String> keys, int parallelism, int subtask) {
    KeyGroupRange range = KeyGroupRange.forSubtask(MAX_PARALLELISM, parallelism, subtask);
    return keys.stream()
        .filter(k -> range.contains(KeyGroupRange.assignToKeyGroup(k.hashCode(), MAX_PARALLELISM)))
        .toList();
  }

  /** A key whose key group lies in the range of {@code subtask} of {@code parallelism}. */
  private static String keyOwnedBy(int subtask, int parallelism, int from) {
    KeyGroupRange range = KeyGroupRange.forSubtask(MAX_PARALLELISM, parallelism, subtask);
    for (int i = from; ; i++) {
      String key = "key-" + i;
      if (range.contains(KeyGroupRange.assignToKeyGroup(key.hashCode(), MAX_PARALLELISM))) {
        return key;
      }
    }
  }

  /** Records fired timers as "key/namespace/timestamp" and checks the current key is set. */
  static final class RecordingTriggerable implements Triggerable<String, String> {
    private final KeyedStateBackend<String> backend;
    final List<String> events = new ArrayList<>();
    final List<String> processing = new ArrayList<>();
    private final List<Long> eventTimestamps = new ArrayList<>();

    RecordingTriggerable(KeyedStateBackend<String> backend) {
      this.backend = backend;
    }

    @Override
    public void onEventTime(InternalTimer<String, String> timer) {
      assertThat(backend.getCurrentKey()).isEqualTo(timer.key());
      events.add(timer.key() + "/" + timer.namespace() + "/" + timer.timestamp());
      eventTimestamps.add(timer.timestamp());
    }

    @Override
    public void onProcessingTime(InternalTimer<String, String> timer) {
      assertThat(backend.getCurrentKey()).isEqualTo(timer.key());
      processing.add(timer.key() + "/" + timer.namespace() + "/" + timer.timestamp());
    }

    List<Long> eventTimestamps() {
      return eventTimestamps;
    }
  }
}
