package dev.sluice.runner.translation.state;

import dev.sluice.engine.state.KeyedStateBackend;
import dev.sluice.engine.state.ListStateDescriptor;
import dev.sluice.engine.state.MapStateDescriptor;
import dev.sluice.engine.state.StateDescriptor;
import dev.sluice.engine.state.ValueStateDescriptor;
import dev.sluice.runner.translation.serde.CoderTypeSerializer;
import dev.sluice.engine.serde.TypeSerializer;
import dev.sluice.runner.translation.serde.EncodedKey;
import dev.sluice.runner.translation.serde.EncodedKeySerializer;
import dev.sluice.runner.translation.serde.StringSerializer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.InstantCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.CombiningState;
import org.apache.beam.sdk.state.MapState;
import org.apache.beam.sdk.state.MultimapState;
import org.apache.beam.sdk.state.OrderedListState;
import org.apache.beam.sdk.state.ReadableState;
import org.apache.beam.sdk.state.ReadableStates;
import org.apache.beam.sdk.state.SetState;
import org.apache.beam.sdk.state.State;
import org.apache.beam.sdk.state.StateContext;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.state.WatermarkHoldState;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.CombineWithContext;
import org.apache.beam.sdk.transforms.CombineWithContext.CombineFnWithContext;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.CombineContextFactory;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TimestampedValue;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * Beam runners-core {@link StateInternals} over the engine's keyed state backend: every Beam
 * state is an engine state named {@code "<kind>:<tag id>"} under the namespace
 * {@link StateNamespace#stringKey()}, for the backend's current key (set by the operator before
 * each element and by the timer service before each timer).
 *
 * <ul>
 *   <li>ValueState, CombiningState (the accumulator) and WatermarkHoldState: an engine
 *       ValueState. Hold changes are reported to a {@link WatermarkHoldTracker}.
 *   <li>BagState: an engine ListState (elements must not be null).
 *   <li>SetState and MapState: an engine MapState keyed by the encoded (deterministic) Beam key,
 *       so equality does not depend on the key class's {@code equals}.
 *   <li>OrderedListState: an engine MapState from timestamp (millis) to the values at it.
 *   <li>MultimapState: an engine MapState from the encoded key to the key and its values.
 * </ul>
 *
 * <p>Values are held by reference in the heap backend, as in Flink's heap backend; Beam forbids
 * mutating values after writing them to state.
 *
 * <p>Mailbox thread only (the backend's thread).
 *
 * @param <K> the Beam key type; the backend is keyed by its encoding
 */
public final class SluiceStateInternals<K> implements StateInternals {

  private static final StringSerializer NAMESPACE_SERIALIZER = new StringSerializer();
  /** log2 of the slots of the bound-state cache. */
  private static final int BOUND_SLOT_BITS = 10;

  private final KeyedStateBackend<EncodedKey> backend;
  private final Coder<K> keyCoder;
  private final WatermarkHoldTracker holds;
  private final NamespaceKeys namespaceKeys = new NamespaceKeys();
  /**
   * Engine descriptors by kind ("value", "bag", ...) and Beam tag id, each made once: runners-core
   * binds state several times per element, and a cached descriptor costs no allocation and finds
   * its engine table by a name whose hash is already computed. A tag id names one state of a
   * kind, with one coder, for the operator's lifetime.
   */
  private final HashMap<String, HashMap<String, StateDescriptor>> descriptors = new HashMap<>();
  /**
   * Recently bound Beam state objects, direct-mapped by (tag instance, namespace key): a state
   * object is a view that follows the backend's current key, so one bound for a tag and
   * namespace serves every key. runners-core binds several states per element (buffer, holds,
   * trigger bits and counts, pane info); a hit costs no descriptor lookup, no engine state
   * lookup and no allocation. Tags are compared by identity (runners-core keeps its tags in
   * fields), so a miss only costs a bind. States bound with a context (a
   * CombineFnWithContext) are not cached: the context is the caller's.
   */
  private final StateTag<?>[] boundTags = new StateTag<?>[1 << BOUND_SLOT_BITS];
  private final String[] boundNamespaces = new String[1 << BOUND_SLOT_BITS];
  private final State[] boundStates = new State[1 << BOUND_SLOT_BITS];
  private @Nullable EncodedKey decodedFor;
  private @Nullable K decodedKey;

  public SluiceStateInternals(
      KeyedStateBackend<EncodedKey> backend, Coder<K> keyCoder, WatermarkHoldTracker holds) {
    this.backend = Objects.requireNonNull(backend);
    this.keyCoder = Objects.requireNonNull(keyCoder);
    this.holds = Objects.requireNonNull(holds);
  }

  /** The decoded current key of the backend (cached for the last key seen). */
  @Override
  public K getKey() {
    EncodedKey current = backend.getCurrentKey();
    if (current == null) {
      throw new IllegalStateException("No current key: state used outside of a keyed element or timer");
    }
    if (!current.equals(decodedFor)) {
      try {
        decodedKey = CoderUtils.decodeFromByteArray(keyCoder, current.bytes());
      } catch (CoderException e) {
        throw new IllegalStateException("Cannot decode the current key with " + keyCoder, e);
      }
      decodedFor = current;
    }
    return decodedKey;
  }

  public WatermarkHoldTracker holds() {
    return holds;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends State> T state(StateNamespace namespace, StateTag<T> address, StateContext<?> context) {
    String ns = namespaceKeys.of(namespace);
    int slot = boundSlot(address, ns);
    if (boundTags[slot] == address && ns.equals(boundNamespaces[slot])) {
      return (T) boundStates[slot];
    }
    Binder binder = new Binder(ns, context);
    T state = address.bind(binder);
    if (binder.reusable) {
      boundTags[slot] = address;
      boundNamespaces[slot] = ns;
      boundStates[slot] = state;
    }
    return state;
  }

  /** The slot of (tag instance, namespace key) in the bound-state cache. */
  private static int boundSlot(StateTag<?> tag, String namespace) {
    int h = System.identityHashCode(tag) * 31 + namespace.hashCode();
    h *= 0x9E3779B9;
    return h >>> (32 - BOUND_SLOT_BITS);
  }

  /** The descriptor of state {@code kind:id}, made by {@code create} (from its name) on first use. */
  @SuppressWarnings("unchecked")
  private <D extends StateDescriptor> D descriptor(String kind, String id, Function<String, D> create) {
    HashMap<String, StateDescriptor> byId = descriptors.get(kind);
    if (byId == null) {
      byId = new HashMap<>();
      descriptors.put(kind, byId);
    }
    StateDescriptor d = byId.get(id);
    if (d == null) {
      d = create.apply(kind + ':' + id);
      byId.put(id, d);
    }
    return (D) d;
  }

  private <V> ValueStateDescriptor<V> valueDescriptor(String kind, String id, Coder<V> coder) {
    return descriptor(kind, id, name -> new ValueStateDescriptor<>(name, new CoderTypeSerializer<>(coder)));
  }

  private <UK, UV> MapStateDescriptor<UK, UV> mapDescriptor(
      String kind, String id, TypeSerializer<UK> keySerializer, Coder<UV> valueCoder) {
    return descriptor(kind, id, name -> new MapStateDescriptor<>(name, keySerializer, new CoderTypeSerializer<>(valueCoder)));
  }

  private <V> dev.sluice.engine.state.ValueState<V> value(ValueStateDescriptor<V> descriptor, String namespace) {
    return backend.getState(descriptor, NAMESPACE_SERIALIZER, namespace);
  }

  private <UK, UV> dev.sluice.engine.state.MapState<UK, UV> map(MapStateDescriptor<UK, UV> descriptor, String namespace) {
    return backend.getState(descriptor, NAMESPACE_SERIALIZER, namespace);
  }

  private static <T> EncodedKey encode(Coder<T> coder, T value) {
    try {
      return new EncodedKey(CoderUtils.encodeToByteArray(coder, value));
    } catch (CoderException e) {
      throw new IllegalArgumentException("Cannot encode a state key with " + coder, e);
    }
  }

  /** Which engine state a Beam state object is: its engine name and namespace. */
  private record Address(String name, String namespace) {}

  /**
   * Beam state objects are equal when they address the same state: runners-core's
   * {@code StateMerging} relies on it to skip the merge result among the merged sources.
   */
  private abstract static class AddressedState {
    private final Address address;

    AddressedState(Address address) {
      this.address = address;
    }

    @Override
    public final boolean equals(Object o) {
      return o != null && o.getClass() == getClass() && ((AddressedState) o).address.equals(address);
    }

    @Override
    public final int hashCode() {
      return address.hashCode();
    }

    @Override
    public String toString() {
      return getClass().getSimpleName() + address;
    }
  }

  /** Binds each Beam state kind to engine state under one namespace. */
  private final class Binder implements StateTag.StateBinder {
    private final String namespace;
    private final StateContext<?> context;
    /** False once the bound state depends on the context (it may then not be reused). */
    boolean reusable = true;

    Binder(String namespace, StateContext<?> context) {
      this.namespace = namespace;
      this.context = context;
    }

    @Override
    public <T> ValueState<T> bindValue(StateTag<ValueState<T>> spec, Coder<T> coder) {
      ValueStateDescriptor<T> d = valueDescriptor("value", spec.getId(), coder);
      return new SluiceValueState<>(new Address(d.name(), namespace), value(d, namespace));
    }

    @Override
    public <T> BagState<T> bindBag(StateTag<BagState<T>> spec, Coder<T> elemCoder) {
      ListStateDescriptor<Object> d =
          descriptor("bag", spec.getId(), name -> new ListStateDescriptor<>(name, new NullMarkingSerializer<>(elemCoder)));
      return new SluiceBagState<>(new Address(d.name(), namespace), backend.getState(d, NAMESPACE_SERIALIZER, namespace));
    }

    @Override
    public <T> SetState<T> bindSet(StateTag<SetState<T>> spec, Coder<T> elemCoder) {
      MapStateDescriptor<EncodedKey, T> d = mapDescriptor("set", spec.getId(), new EncodedKeySerializer(), elemCoder);
      return new SluiceSetState<>(new Address(d.name(), namespace), map(d, namespace), elemCoder);
    }

    @Override
    public <KeyT, ValueT> MapState<KeyT, ValueT> bindMap(
        StateTag<MapState<KeyT, ValueT>> spec, Coder<KeyT> mapKeyCoder, Coder<ValueT> mapValueCoder) {
      MapStateDescriptor<EncodedKey, KV<KeyT, ValueT>> d =
          mapDescriptor("map", spec.getId(), new EncodedKeySerializer(), KvCoder.of(mapKeyCoder, mapValueCoder));
      return new SluiceMapState<>(new Address(d.name(), namespace), map(d, namespace), mapKeyCoder);
    }

    @Override
    public <KeyT, ValueT> MultimapState<KeyT, ValueT> bindMultimap(
        StateTag<MultimapState<KeyT, ValueT>> spec, Coder<KeyT> mapKeyCoder, Coder<ValueT> valueCoder) {
      MapStateDescriptor<EncodedKey, KV<KeyT, List<ValueT>>> d = mapDescriptor(
          "multimap", spec.getId(), new EncodedKeySerializer(), KvCoder.of(mapKeyCoder, ListCoder.of(valueCoder)));
      return new SluiceMultimapState<>(new Address(d.name(), namespace), map(d, namespace), mapKeyCoder);
    }

    @Override
    public <T> OrderedListState<T> bindOrderedList(StateTag<OrderedListState<T>> spec, Coder<T> elemCoder) {
      MapStateDescriptor<Long, List<T>> d = mapDescriptor(
          "orderedlist", spec.getId(), new CoderTypeSerializer<>(VarLongCoder.of()), ListCoder.of(elemCoder));
      return new SluiceOrderedListState<>(new Address(d.name(), namespace), map(d, namespace));
    }

    @Override
    public <InputT, AccumT, OutputT> CombiningState<InputT, AccumT, OutputT> bindCombiningValue(
        StateTag<CombiningState<InputT, AccumT, OutputT>> spec,
        Coder<AccumT> accumCoder,
        CombineFn<InputT, AccumT, OutputT> combineFn) {
      ValueStateDescriptor<AccumT> d = valueDescriptor("combining", spec.getId(), accumCoder);
      return new SluiceCombiningState<>(new Address(d.name(), namespace), value(d, namespace), combineFn);
    }

    @Override
    public <InputT, AccumT, OutputT> CombiningState<InputT, AccumT, OutputT> bindCombiningValueWithContext(
        StateTag<CombiningState<InputT, AccumT, OutputT>> spec,
        Coder<AccumT> accumCoder,
        CombineFnWithContext<InputT, AccumT, OutputT> combineFn) {
      CombineWithContext.Context combineContext = CombineContextFactory.createFromStateContext(context);
      reusable = false;
      ValueStateDescriptor<AccumT> d = valueDescriptor("combining", spec.getId(), accumCoder);
      return new SluiceCombiningState<>(
          new Address(d.name(), namespace),
          value(d, namespace),
          new ContextCombineFn<>(combineFn, combineContext));
    }

    @Override
    public WatermarkHoldState bindWatermark(StateTag<WatermarkHoldState> spec, TimestampCombiner timestampCombiner) {
      ValueStateDescriptor<Instant> d = valueDescriptor("watermark", spec.getId(), InstantCoder.of());
      return new SluiceWatermarkHoldState(new Address(d.name(), namespace), value(d, namespace), timestampCombiner, holds);
    }
  }

  private static final class SluiceValueState<T> extends AddressedState implements ValueState<T> {
    private final dev.sluice.engine.state.ValueState<T> state;

    SluiceValueState(Address address, dev.sluice.engine.state.ValueState<T> state) {
      super(address);
      this.state = state;
    }

    @Override
    public void write(T input) {
      state.update(input);
    }

    @Override
    public T read() {
      return state.value();
    }

    @Override
    public ValueState<T> readLater() {
      return this;
    }

    @Override
    public void clear() {
      state.clear();
    }
  }

  /**
   * A bag as an engine list. Beam bags may hold nulls (e.g. {@code Void} values), engine lists
   * may not: a null is stored as {@link #NULL} and read back as null.
   */
  private static final class SluiceBagState<T> extends AddressedState implements BagState<T> {
    private final dev.sluice.engine.state.ListState<Object> state;

    SluiceBagState(Address address, dev.sluice.engine.state.ListState<Object> state) {
      super(address);
      this.state = state;
    }

    @Override
    public void add(T value) {
      state.add(value == null ? NULL : value);
    }

    @Override
    public ReadableState<Boolean> isEmpty() {
      return new Lazy<>(state::isEmpty);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Iterable<T> read() {
      List<T> out = new ArrayList<>();
      for (Object o : state.get()) {
        out.add(o == NULL ? null : (T) o);
      }
      return out;
    }

    @Override
    public BagState<T> readLater() {
      return this;
    }

    @Override
    public void clear() {
      state.clear();
    }
  }

  /** Stands for a null element in engine state, which does not store nulls. */
  private static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "NULL";
    }
  };

  /** A marker byte (null or not), then the coder's encoding; reads the marker back as {@link #NULL}. */
  private static final class NullMarkingSerializer<T> implements TypeSerializer<Object> {
    private static final long serialVersionUID = 1L;
    private final Coder<T> coder;

    NullMarkingSerializer(Coder<T> coder) {
      this.coder = coder;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void serialize(Object value, java.io.OutputStream out) throws java.io.IOException {
      if (value == NULL) {
        out.write(0);
      } else {
        out.write(1);
        coder.encode((T) value, out);
      }
    }

    @Override
    public Object deserialize(java.io.InputStream in) throws java.io.IOException {
      int marker = in.read();
      if (marker < 0) {
        throw new java.io.EOFException("End of stream before a bag element");
      }
      return marker == 0 ? NULL : coder.decode(in);
    }
  }

  /** A set as a map from the encoded element to the element. */
  private static final class SluiceSetState<T> extends AddressedState implements SetState<T> {
    private final dev.sluice.engine.state.MapState<EncodedKey, T> state;
    private final Coder<T> coder;

    SluiceSetState(Address address, dev.sluice.engine.state.MapState<EncodedKey, T> state, Coder<T> coder) {
      super(address);
      this.state = state;
      this.coder = coder;
    }

    @Override
    public ReadableState<Boolean> contains(T t) {
      return ReadableStates.immediate(state.contains(encode(coder, t)));
    }

    @Override
    public ReadableState<Boolean> addIfAbsent(T t) {
      EncodedKey key = encode(coder, t);
      boolean absent = !state.contains(key);
      if (absent) {
        state.put(key, t);
      }
      return ReadableStates.immediate(absent);
    }

    @Override
    public void remove(T t) {
      state.remove(encode(coder, t));
    }

    @Override
    public void add(T value) {
      state.put(encode(coder, value), value);
    }

    @Override
    public ReadableState<Boolean> isEmpty() {
      return new Lazy<>(state::isEmpty);
    }

    @Override
    public Iterable<T> read() {
      return state.values();
    }

    @Override
    public SetState<T> readLater() {
      return this;
    }

    @Override
    public void clear() {
      state.clear();
    }
  }

  /** A map as a map from the encoded Beam key to the (key, value) pair. */
  private static final class SluiceMapState<KeyT, ValueT> extends AddressedState implements MapState<KeyT, ValueT> {
    private final dev.sluice.engine.state.MapState<EncodedKey, KV<KeyT, ValueT>> state;
    private final Coder<KeyT> keyCoder;

    SluiceMapState(Address address, dev.sluice.engine.state.MapState<EncodedKey, KV<KeyT, ValueT>> state, Coder<KeyT> keyCoder) {
      super(address);
      this.state = state;
      this.keyCoder = keyCoder;
    }

    @Override
    public void put(KeyT key, ValueT value) {
      state.put(encode(keyCoder, key), KV.of(key, value));
    }

    @Override
    public ReadableState<ValueT> computeIfAbsent(KeyT key, Function<? super KeyT, ? extends ValueT> mappingFunction) {
      EncodedKey encoded = encode(keyCoder, key);
      KV<KeyT, ValueT> existing = state.get(encoded);
      if (existing == null) {
        state.put(encoded, KV.of(key, mappingFunction.apply(key)));
        return ReadableStates.immediate(null);
      }
      return ReadableStates.immediate(existing.getValue());
    }

    @Override
    public void remove(KeyT key) {
      state.remove(encode(keyCoder, key));
    }

    @Override
    public ReadableState<ValueT> get(KeyT key) {
      return getOrDefault(key, null);
    }

    @Override
    public ReadableState<ValueT> getOrDefault(KeyT key, @Nullable ValueT defaultValue) {
      EncodedKey encoded = encode(keyCoder, key);
      return new Lazy<>(() -> {
        KV<KeyT, ValueT> kv = state.get(encoded);
        return kv == null ? defaultValue : kv.getValue();
      });
    }

    @Override
    public ReadableState<Iterable<KeyT>> keys() {
      return new Lazy<>(() -> beamKeys(state));
    }

    @Override
    public ReadableState<Iterable<ValueT>> values() {
      return new Lazy<>(() -> {
        List<ValueT> values = new ArrayList<>();
        state.values().forEach(kv -> values.add(kv.getValue()));
        return values;
      });
    }

    @Override
    public ReadableState<Iterable<Map.Entry<KeyT, ValueT>>> entries() {
      return new Lazy<>(() -> {
        List<Map.Entry<KeyT, ValueT>> entries = new ArrayList<>();
        state.values().forEach(kv -> entries.add(Map.entry(kv.getKey(), kv.getValue())));
        return entries;
      });
    }

    @Override
    public ReadableState<Boolean> isEmpty() {
      return new Lazy<>(state::isEmpty);
    }

    @Override
    public void clear() {
      state.clear();
    }
  }

  /** A multimap as a map from the encoded Beam key to the key and its values (in put order). */
  private static final class SluiceMultimapState<KeyT, ValueT> extends AddressedState
      implements MultimapState<KeyT, ValueT> {
    private final dev.sluice.engine.state.MapState<EncodedKey, KV<KeyT, List<ValueT>>> state;
    private final Coder<KeyT> keyCoder;

    SluiceMultimapState(
        Address address,
        dev.sluice.engine.state.MapState<EncodedKey, KV<KeyT, List<ValueT>>> state,
        Coder<KeyT> keyCoder) {
      super(address);
      this.state = state;
      this.keyCoder = keyCoder;
    }

    @Override
    public void put(KeyT key, ValueT value) {
      EncodedKey encoded = encode(keyCoder, key);
      KV<KeyT, List<ValueT>> current = state.get(encoded);
      // a new list: the heap backend holds values by reference, and readers may hold the old one
      List<ValueT> values = current == null ? new ArrayList<>(1) : new ArrayList<>(current.getValue());
      values.add(value);
      state.put(encoded, KV.of(key, values));
    }

    @Override
    public ReadableState<Iterable<ValueT>> get(KeyT key) {
      EncodedKey encoded = encode(keyCoder, key);
      return new Lazy<>(() -> {
        KV<KeyT, List<ValueT>> kv = state.get(encoded);
        return kv == null ? List.of() : new ArrayList<>(kv.getValue());
      });
    }

    @Override
    public void remove(KeyT key) {
      state.remove(encode(keyCoder, key));
    }

    @Override
    public ReadableState<Iterable<KeyT>> keys() {
      return new Lazy<>(() -> beamKeys(state));
    }

    @Override
    public ReadableState<Iterable<Map.Entry<KeyT, ValueT>>> entries() {
      return new Lazy<>(() -> {
        List<Map.Entry<KeyT, ValueT>> entries = new ArrayList<>();
        for (KV<KeyT, List<ValueT>> kv : state.values()) {
          for (ValueT v : kv.getValue()) {
            entries.add(new java.util.AbstractMap.SimpleImmutableEntry<>(kv.getKey(), v));
          }
        }
        return entries;
      });
    }

    @Override
    public ReadableState<Boolean> containsKey(KeyT key) {
      EncodedKey encoded = encode(keyCoder, key);
      return new Lazy<>(() -> state.contains(encoded));
    }

    @Override
    public ReadableState<Boolean> isEmpty() {
      return new Lazy<>(state::isEmpty);
    }

    @Override
    public void clear() {
      state.clear();
    }
  }

  /** Values by timestamp millis; each timestamp holds its values in insertion order. */
  private static final class SluiceOrderedListState<T> extends AddressedState implements OrderedListState<T> {
    private final dev.sluice.engine.state.MapState<Long, List<T>> state;

    SluiceOrderedListState(Address address, dev.sluice.engine.state.MapState<Long, List<T>> state) {
      super(address);
      this.state = state;
    }

    @Override
    public void add(TimestampedValue<T> value) {
      long ts = value.getTimestamp().getMillis();
      List<T> at = state.get(ts);
      List<T> updated = at == null ? new ArrayList<>(1) : new ArrayList<>(at);
      updated.add(value.getValue());
      state.put(ts, updated);
    }

    @Override
    public Iterable<TimestampedValue<T>> readRange(Instant minTimestamp, Instant limitTimestamp) {
      List<Map.Entry<Long, List<T>>> entries = new ArrayList<>();
      for (Map.Entry<Long, List<T>> e : state.entries()) {
        if (e.getKey() >= minTimestamp.getMillis() && e.getKey() < limitTimestamp.getMillis()) {
          entries.add(e);
        }
      }
      entries.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
      List<TimestampedValue<T>> out = new ArrayList<>();
      for (Map.Entry<Long, List<T>> e : entries) {
        Instant ts = Instant.ofEpochMilli(e.getKey());
        for (T v : e.getValue()) {
          out.add(TimestampedValue.of(v, ts));
        }
      }
      return out;
    }

    @Override
    public void clearRange(Instant minTimestamp, Instant limitTimestamp) {
      List<Long> remove = new ArrayList<>();
      for (Long ts : state.keys()) {
        if (ts >= minTimestamp.getMillis() && ts < limitTimestamp.getMillis()) {
          remove.add(ts);
        }
      }
      remove.forEach(state::remove);
    }

    @Override
    public OrderedListState<T> readRangeLater(Instant minTimestamp, Instant limitTimestamp) {
      return this;
    }

    @Override
    public Iterable<TimestampedValue<T>> read() {
      return readRange(new Instant(Long.MIN_VALUE), new Instant(Long.MAX_VALUE));
    }

    @Override
    public ReadableState<Boolean> isEmpty() {
      return new Lazy<>(state::isEmpty);
    }

    @Override
    public OrderedListState<T> readLater() {
      return this;
    }

    @Override
    public void clear() {
      state.clear();
    }
  }

  /** The accumulator in a value state; an empty state reads as a fresh accumulator. */
  private static final class SluiceCombiningState<InputT, AccumT, OutputT> extends AddressedState
      implements CombiningState<InputT, AccumT, OutputT> {
    private final dev.sluice.engine.state.ValueState<AccumT> state;
    private final CombineFn<InputT, AccumT, OutputT> combineFn;

    SluiceCombiningState(Address address, dev.sluice.engine.state.ValueState<AccumT> state, CombineFn<InputT, AccumT, OutputT> combineFn) {
      super(address);
      this.state = state;
      this.combineFn = combineFn;
    }

    @Override
    public AccumT getAccum() {
      AccumT accum = state.value();
      return accum == null ? combineFn.createAccumulator() : accum;
    }

    @Override
    public void addAccum(AccumT accum) {
      AccumT current = state.value();
      state.update(current == null ? accum : combineFn.mergeAccumulators(List.of(current, accum)));
    }

    @Override
    public AccumT mergeAccumulators(Iterable<AccumT> accumulators) {
      return combineFn.mergeAccumulators(accumulators);
    }

    @Override
    public void add(InputT value) {
      state.update(combineFn.addInput(getAccum(), value));
    }

    @Override
    public OutputT read() {
      return combineFn.extractOutput(getAccum());
    }

    @Override
    public ReadableState<Boolean> isEmpty() {
      return new Lazy<>(() -> state.value() == null);
    }

    @Override
    public CombiningState<InputT, AccumT, OutputT> readLater() {
      return this;
    }

    @Override
    public void clear() {
      state.clear();
    }
  }

  /** A hold in a value state, mirrored into the operator's {@link WatermarkHoldTracker}. */
  private static final class SluiceWatermarkHoldState extends AddressedState implements WatermarkHoldState {
    private final dev.sluice.engine.state.ValueState<Instant> state;
    private final TimestampCombiner timestampCombiner;
    private final WatermarkHoldTracker holds;

    SluiceWatermarkHoldState(Address address, 
        dev.sluice.engine.state.ValueState<Instant> state, TimestampCombiner timestampCombiner, WatermarkHoldTracker holds) {
      super(address);
      this.state = state;
      this.timestampCombiner = timestampCombiner;
      this.holds = holds;
    }

    @Override
    public TimestampCombiner getTimestampCombiner() {
      return timestampCombiner;
    }

    @Override
    public void add(Instant value) {
      Instant current = state.value();
      Instant combined = current == null ? value : timestampCombiner.combine(current, value);
      if (combined.equals(current)) {
        return;
      }
      if (current != null) {
        holds.remove(current.getMillis());
      }
      holds.add(combined.getMillis());
      state.update(combined);
    }

    @Override
    public ReadableState<Boolean> isEmpty() {
      return new Lazy<>(() -> state.value() == null);
    }

    @Override
    public Instant read() {
      return state.value();
    }

    @Override
    public WatermarkHoldState readLater() {
      return this;
    }

    @Override
    public void clear() {
      Instant current = state.value();
      if (current != null) {
        holds.remove(current.getMillis());
        state.clear();
      }
    }
  }

  /** A CombineFnWithContext bound to the state's context, seen as a plain CombineFn. */
  private static final class ContextCombineFn<InputT, AccumT, OutputT> extends CombineFn<InputT, AccumT, OutputT> {
    private final CombineFnWithContext<InputT, AccumT, OutputT> fn;
    private final transient CombineWithContext.Context context;

    ContextCombineFn(CombineFnWithContext<InputT, AccumT, OutputT> fn, CombineWithContext.Context context) {
      this.fn = fn;
      this.context = context;
    }

    @Override
    public AccumT createAccumulator() {
      return fn.createAccumulator(context);
    }

    @Override
    public AccumT addInput(AccumT accumulator, InputT input) {
      return fn.addInput(accumulator, input, context);
    }

    @Override
    public AccumT mergeAccumulators(Iterable<AccumT> accumulators) {
      return fn.mergeAccumulators(accumulators, context);
    }

    @Override
    public OutputT extractOutput(AccumT accumulator) {
      return fn.extractOutput(accumulator, context);
    }
  }

  /** A read deferred to {@link #read()}, so it sees writes made after the state was obtained. */
  /** The Beam keys of a map or multimap state, which stores each (key, value(s)) under the encoded key. */
  private static <KeyT> List<KeyT> beamKeys(dev.sluice.engine.state.MapState<EncodedKey, ? extends KV<KeyT, ?>> state) {
    List<KeyT> keys = new ArrayList<>();
    state.values().forEach(kv -> keys.add(kv.getKey()));
    return keys;
  }

  private static final class Lazy<T> implements ReadableState<T> {
    private final java.util.function.Supplier<T> supplier;

    Lazy(java.util.function.Supplier<T> supplier) {
      this.supplier = supplier;
    }

    @Override
    public T read() {
      return supplier.get();
    }

    @Override
    public ReadableState<T> readLater() {
      return this;
    }
  }
}
