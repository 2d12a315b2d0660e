package dev.sluice.runner.translation.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.KeyGroupRange;
import dev.sluice.engine.state.heap.HeapKeyedStateBackend;
import dev.sluice.engine.state.heap.HeapKeyedStateBackendBuilder;
import dev.sluice.runner.translation.serde.EncodedKey;
import dev.sluice.runner.translation.serde.EncodedKeySerializer;
import java.util.Map;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.runners.core.StateTags;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.CombiningState;
import org.apache.beam.sdk.state.MapState;
import org.apache.beam.sdk.state.OrderedListState;
import org.apache.beam.sdk.state.ReadableState;
import org.apache.beam.sdk.state.SetState;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.state.WatermarkHoldState;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SluiceStateInternalsTest {

  private static final StateNamespace W1 =
      StateNamespaces.window(IntervalWindow.getCoder(), new IntervalWindow(new Instant(0), new Instant(10)));
  private static final StateNamespace W2 =
      StateNamespaces.window(IntervalWindow.getCoder(), new IntervalWindow(new Instant(10), new Instant(20)));

  private HeapKeyedStateBackend<EncodedKey> backend;
  private SluiceStateInternals<String> internals;

  @BeforeEach
  void setUp() throws Exception {
    backend = new HeapKeyedStateBackendBuilder<>(new EncodedKeySerializer(), 128, new KeyGroupRange(0, 127)).build();
    internals = new SluiceStateInternals<>(backend, StringUtf8Coder.of(), new WatermarkHoldTracker());
  }

  @AfterEach
  void tearDown() {
    backend.close();
  }

  private void key(String key) throws Exception {
    backend.setCurrentKey(new EncodedKey(CoderUtils.encodeToByteArray(StringUtf8Coder.of(), key)));
  }

  @Test
  void shouldKeepValuesPerKeyAndNamespace() throws Exception {
    StateTag<ValueState<Integer>> tag = StateTags.value("v", VarIntCoder.of());
    key("a");
    internals.state(W1, tag).write(1);
    internals.state(W2, tag).write(2);
    key("b");
    assertThat(internals.state(W1, tag).read()).isNull();
    internals.state(W1, tag).write(3);
    assertThat(internals.getKey()).isEqualTo("b");
    key("a");
    assertThat(internals.getKey()).isEqualTo("a");
    assertThat(internals.state(W1, tag).read()).isEqualTo(1);
    assertThat(internals.state(W2, tag).read()).isEqualTo(2);
    internals.state(W1, tag).clear();
    assertThat(internals.state(W1, tag).read()).isNull();
    assertThat(internals.state(W2, tag).read()).isEqualTo(2);
  }

  @Test
  void shouldAddToBagsAndSeeEmptinessLazily() throws Exception {
    StateTag<BagState<String>> tag = StateTags.bag("b", StringUtf8Coder.of());
    key("a");
    BagState<String> bag = internals.state(W1, tag);
    ReadableState<Boolean> empty = bag.isEmpty();
    bag.add("x");
    bag.add("y");
    assertThat(empty.read()).isFalse();
    assertThat(bag.read()).containsExactly("x", "y");
    bag.clear();
    assertThat(bag.read()).isEmpty();
    assertThat(empty.read()).isTrue();
  }

  @Test
  void shouldCombineIntoAnAccumulator() throws Exception {
    StateTag<CombiningState<Integer, int[], Integer>> tag =
        StateTags.combiningValue("c", Sum.ofIntegers().getAccumulatorCoder(null, VarIntCoder.of()), Sum.ofIntegers());
    key("a");
    CombiningState<Integer, int[], Integer> sum = internals.state(W1, tag);
    assertThat(sum.isEmpty().read()).isTrue();
    assertThat(sum.read()).isZero();
    sum.add(3);
    sum.add(4);
    sum.addAccum(new int[] {10});
    assertThat(sum.read()).isEqualTo(17);
    assertThat(internals.state(W2, tag).read()).isZero();
    sum.clear();
    assertThat(sum.isEmpty().read()).isTrue();
  }

  @Test
  void shouldKeepSetsByEncodedElement() throws Exception {
    StateTag<SetState<String>> tag = StateTags.set("s", StringUtf8Coder.of());
    key("a");
    SetState<String> set = internals.state(W1, tag);
    assertThat(set.addIfAbsent("x").read()).isTrue();
    assertThat(set.addIfAbsent(new String("x")).read()).isFalse();
    set.add("y");
    assertThat(set.contains("y").read()).isTrue();
    set.remove("y");
    assertThat(set.contains("y").read()).isFalse();
    assertThat(set.read()).containsExactly("x");
  }

  @Test
  void shouldPutGetAndIterateMaps() throws Exception {
    StateTag<MapState<String, Integer>> tag = StateTags.map("m", StringUtf8Coder.of(), VarIntCoder.of());
    key("a");
    MapState<String, Integer> map = internals.state(W1, tag);
    map.put("x", 1);
    assertThat(map.computeIfAbsent("x", k -> 5).read()).isEqualTo(1);
    assertThat(map.computeIfAbsent("y", k -> 2).read()).isNull();
    assertThat(map.get("y").read()).isEqualTo(2);
    assertThat(map.getOrDefault("z", 9).read()).isEqualTo(9);
    assertThat(map.keys().read()).containsExactlyInAnyOrder("x", "y");
    assertThat(map.values().read()).containsExactlyInAnyOrder(1, 2);
    assertThat(map.entries().read()).containsExactlyInAnyOrder(Map.entry("x", 1), Map.entry("y", 2));
    map.remove("x");
    assertThat(map.get("x").read()).isNull();
    map.clear();
    assertThat(map.isEmpty().read()).isTrue();
  }

  @Test
  void shouldReadOrderedListsByTimestampRange() throws Exception {
    StateTag<OrderedListState<String>> tag = StateTags.orderedList("o", StringUtf8Coder.of());
    key("a");
    OrderedListState<String> list = internals.state(W1, tag);
    list.add(TimestampedValue.of("c", new Instant(30)));
    list.add(TimestampedValue.of("a", new Instant(10)));
    list.add(TimestampedValue.of("b", new Instant(20)));
    list.add(TimestampedValue.of("b2", new Instant(20)));
    assertThat(list.read()).extracting(TimestampedValue::getValue).containsExactly("a", "b", "b2", "c");
    assertThat(list.readRange(new Instant(20), new Instant(30))).extracting(TimestampedValue::getValue)
        .containsExactly("b", "b2");
    list.clearRange(new Instant(0), new Instant(25));
    assertThat(list.read()).extracting(TimestampedValue::getValue).containsExactly("c");
  }

  @Test
  void shouldCombineWatermarkHoldsAndTrackTheEarliest() throws Exception {
    StateTag<WatermarkHoldState> tag = StateTags.watermarkStateInternal("hold", TimestampCombiner.EARLIEST);
    WatermarkHoldTracker holds = internals.holds();
    key("a");
    WatermarkHoldState a = internals.state(W1, tag);
    a.add(new Instant(50));
    a.add(new Instant(40));
    a.add(new Instant(45));
    assertThat(a.read()).isEqualTo(new Instant(40));
    key("b");
    internals.state(W1, tag).add(new Instant(30));
    assertThat(holds.earliest()).isEqualTo(30);
    assertThat(holds.size()).isEqualTo(2);
    internals.state(W1, tag).clear();
    assertThat(holds.earliest()).isEqualTo(40);
    key("a");
    internals.state(W1, tag).clear();
    assertThat(holds.earliest()).isEqualTo(Long.MAX_VALUE);
    assertThat(holds.size()).isZero();

    StateTag<WatermarkHoldState> latest = StateTags.watermarkStateInternal("late", TimestampCombiner.LATEST);
    WatermarkHoldState l = internals.state(W2, latest);
    l.add(new Instant(5));
    l.add(new Instant(7));
    assertThat(l.read()).isEqualTo(new Instant(7));
    assertThat(l.getTimestampCombiner()).isEqualTo(TimestampCombiner.LATEST);
    assertThat(holds.earliest()).isEqualTo(7);
  }

  @Test
  void shouldPutGetAndRemoveInMultimaps() throws Exception {
    StateTag<org.apache.beam.sdk.state.MultimapState<String, Integer>> tag =
        StateTags.multimap("mm", StringUtf8Coder.of(), VarIntCoder.of());
    key("a");
    org.apache.beam.sdk.state.MultimapState<String, Integer> mm = internals.state(W1, tag);
    ReadableState<Iterable<Integer>> xs = mm.get("x");
    mm.put("x", 1);
    mm.put("x", 1);
    mm.put("y", 2);
    assertThat(xs.read()).containsExactly(1, 1);
    assertThat(mm.keys().read()).containsExactlyInAnyOrder("x", "y");
    assertThat(mm.entries().read()).containsExactlyInAnyOrder(Map.entry("x", 1), Map.entry("x", 1), Map.entry("y", 2));
    assertThat(mm.containsKey("y").read()).isTrue();
    mm.remove("x");
    assertThat(mm.get("x").read()).isEmpty();
    assertThat(mm.containsKey("x").read()).isFalse();
    key("b");
    assertThat(internals.state(W1, tag).isEmpty().read()).isTrue();
    key("a");
    mm.clear();
    assertThat(mm.isEmpty().read()).isTrue();
  }

  @Test
  void shouldKeepStatesOfDifferentKindsWithTheSameIdApart() throws Exception {
    key("a");
    internals.state(W1, StateTags.value("same", VarIntCoder.of())).write(1);
    internals.state(W1, StateTags.bag("same", VarIntCoder.of())).add(2);
    assertThat(internals.state(W1, StateTags.value("same", VarIntCoder.of())).read()).isEqualTo(1);
    assertThat(internals.state(W1, StateTags.bag("same", VarIntCoder.of())).read()).containsExactly(2);
  }

  @Test
  void shouldMakeStatesOfTheSameAddressEqualAsStateMergingNeeds() throws Exception {
    StateTag<BagState<String>> tag = StateTags.bag("b", StringUtf8Coder.of());
    key("a");
    assertThat(internals.state(W1, tag)).isEqualTo(internals.state(W1, tag))
        .hasSameHashCodeAs(internals.state(W1, tag));
    assertThat(internals.state(W1, tag)).isNotEqualTo(internals.state(W2, tag));
    assertThat((Object) internals.state(W1, tag)).isNotEqualTo(internals.state(W1, StateTags.set("b", StringUtf8Coder.of())));
  }

  @Test
  void shouldKeepNullsInBags() throws Exception {
    StateTag<BagState<Void>> tag = StateTags.bag("voids", org.apache.beam.sdk.coders.VoidCoder.of());
    key("a");
    internals.state(W1, tag).add(null);
    internals.state(W1, tag).add(null);
    assertThat(internals.state(W1, tag).read()).containsExactly(null, null);
  }
}
