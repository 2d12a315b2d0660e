package dev.sluice.engine.state;

import dev.sluice.engine.serde.TypeSerializer;
import java.util.Objects;

/** Describes a {@link ValueState}: its name and the serializer of its value. */
public final class ValueStateDescriptor<V> extends StateDescriptor {

  private static final long serialVersionUID = 1L;

  private final TypeSerializer<V> valueSerializer;

  public ValueStateDescriptor(String name, TypeSerializer<V> valueSerializer) {
    super(name);
    this.valueSerializer = Objects.requireNonNull(valueSerializer, "value serializer");
  }

  public TypeSerializer<V> valueSerializer() {
    return valueSerializer;
  }

  @Override
  public StateKind kind() {
    return StateKind.VALUE;
  }
}
