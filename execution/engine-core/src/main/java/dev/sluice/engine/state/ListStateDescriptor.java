package dev.sluice.engine.state;

import dev.sluice.engine.serde.TypeSerializer;
import java.util.Objects;

/** Describes a {@link ListState}: its name and the serializer of one element. */
public final class ListStateDescriptor<V> extends StateDescriptor {

  private static final long serialVersionUID = 1L;

  private final TypeSerializer<V> elementSerializer;

  public ListStateDescriptor(String name, TypeSerializer<V> elementSerializer) {
    super(name);
    this.elementSerializer = Objects.requireNonNull(elementSerializer, "element serializer");
  }

  public TypeSerializer<V> elementSerializer() {
    return elementSerializer;
  }

  @Override
  public StateKind kind() {
    return StateKind.LIST;
  }
}
