package dev.sluice.engine.network;

/** A result partition was released (task canceled or failed, or job released) while in use. */
public final class PartitionReleasedException extends RuntimeException {
  public PartitionReleasedException(String message) {
    super(message);
  }
}
