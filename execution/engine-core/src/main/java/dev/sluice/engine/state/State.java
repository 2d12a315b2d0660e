package dev.sluice.engine.state;

/**
 * A piece of keyed state seen through one namespace. Every call acts on the backend's
 * <em>current</em> key at the time of the call (see {@link KeyedStateBackend#setCurrentKey}),
 * not on the key current when the state object was obtained. Mailbox thread only.
 */
public interface State {

  /** Removes the value for the current key and namespace. */
  void clear();
}
