package dev.sluice.engine.state;

import java.io.Serializable;
import java.util.Objects;

/**
 * Names a piece of keyed state and says how its values are encoded in snapshots. The name is
 * the identity of the state across restores (and must be unique per backend across value, list
 * and map state); the serializers must stay able to read what earlier versions wrote.
 */
public abstract sealed class StateDescriptor implements Serializable
    permits ValueStateDescriptor, ListStateDescriptor, MapStateDescriptor {

  private static final long serialVersionUID = 1L;

  private final String name;

  StateDescriptor(String name) {
    this.name = Objects.requireNonNull(name, "state name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("A state name must not be empty");
    }
  }

  public final String name() {
    return name;
  }

  public abstract StateKind kind();

  @Override
  public String toString() {
    return kind() + " state '" + name + "'";
  }
}
