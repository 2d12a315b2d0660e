package dev.sluice.engine.network;

/**
 * A fixed-size chunk of memory that carries serialized elements from a producer to a consumer.
 *
 * <p>Ownership moves, it is never shared: the producer's task thread fills it, hands it to a
 * {@link ResultSubpartition}, the consumer's task thread reads it and {@link #recycle()}s it to
 * its pool. Valid bytes are {@code memory[0, size)}.
 */
public final class Buffer {

  final byte[] memory;
  int size;
  private final BufferPool pool;

  Buffer(byte[] memory, BufferPool pool) {
    this.memory = memory;
    this.pool = pool;
  }

  public byte[] memory() {
    return memory;
  }

  public int size() {
    return size;
  }

  public int capacity() {
    return memory.length;
  }

  /** Returns the buffer to its pool; the caller must not touch it afterwards. */
  public void recycle() {
    size = 0;
    pool.recycle(this);
  }
}
