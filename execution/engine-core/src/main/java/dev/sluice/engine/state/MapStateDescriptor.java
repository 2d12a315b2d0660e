package dev.sluice.engine.state;

import dev.sluice.engine.serde.TypeSerializer;
import java.util.Objects;

/** Describes a {@link MapState}: its name and the serializers of map keys and values. */
public final class MapStateDescriptor<UK, UV> extends StateDescriptor {

  private static final long serialVersionUID = 1L;

  private final TypeSerializer<UK> keySerializer;
  private final TypeSerializer<UV> valueSerializer;

  public MapStateDescriptor(
      String name, TypeSerializer<UK> keySerializer, TypeSerializer<UV> valueSerializer) {
    super(name);
    this.keySerializer = Objects.requireNonNull(keySerializer, "map key serializer");
    this.valueSerializer = Objects.requireNonNull(valueSerializer, "map value serializer");
  }

  public TypeSerializer<UK> keySerializer() {
    return keySerializer;
  }

  public TypeSerializer<UV> valueSerializer() {
    return valueSerializer;
  }

  @Override
  public StateKind kind() {
    return StateKind.MAP;
  }
}
