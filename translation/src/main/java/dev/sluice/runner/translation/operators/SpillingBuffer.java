package dev.sluice.runner.translation.operators;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import org.apache.beam.sdk.coders.Coder;

/**
 * A FIFO of values that cannot be processed yet (main-input elements waiting for side inputs),
 * held encoded: in memory up to a byte limit, beyond it appended to a spill file in the
 * subtask's temp directory. Values come back in the order they were added.
 *
 * <p>Mailbox thread only. {@link #close()} deletes the spill file.
 */
final class SpillingBuffer<T> implements Closeable {

  /** Consumes one value; may throw. */
  @FunctionalInterface
  interface Consumer<T> {
    void accept(T value) throws Exception;
  }

  private final Coder<T> coder;
  private final File directory;
  private final long memoryLimitBytes;
  private ByteArrayOutputStream memory = new ByteArrayOutputStream();
  private int inMemory;
  private File spillFile;
  private OutputStream spillOut;
  private long spilled;

  SpillingBuffer(Coder<T> coder, File directory, long memoryLimitBytes) {
    this.coder = coder;
    this.directory = directory;
    this.memoryLimitBytes = memoryLimitBytes;
  }

  void add(T value) throws IOException {
    coder.encode(value, memory);
    inMemory++;
    if (memory.size() >= memoryLimitBytes) {
      spill();
    }
  }

  boolean isEmpty() {
    return inMemory == 0 && spilled == 0;
  }

  /** Number of values held, in memory and on disk. */
  long size() {
    return inMemory + spilled;
  }

  /** Hands every value to {@code consumer} in insertion order, then empties the buffer. */
  void drain(Consumer<T> consumer) throws Exception {
    if (spilled > 0) {
      spillOut.close();
      spillOut = null;
      try (InputStream in = new BufferedInputStream(new FileInputStream(spillFile), 64 * 1024)) {
        for (long i = 0; i < spilled; i++) {
          consumer.accept(coder.decode(in));
        }
      }
      Files.delete(spillFile.toPath());
      spillFile = null;
      spilled = 0;
    }
    InputStream in = new ByteArrayInputStream(memory.toByteArray());
    int count = inMemory;
    memory = new ByteArrayOutputStream();
    inMemory = 0;
    for (int i = 0; i < count; i++) {
      consumer.accept(coder.decode(in));
    }
  }

  private void spill() throws IOException {
    if (spillOut == null) {
      spillFile = File.createTempFile("pushed-back-", ".bin", directory);
      spillOut = new BufferedOutputStream(new FileOutputStream(spillFile), 64 * 1024);
    }
    memory.writeTo(spillOut);
    spilled += inMemory;
    memory = new ByteArrayOutputStream();
    inMemory = 0;
  }

  @Override
  public void close() throws IOException {
    if (spillOut != null) {
      spillOut.close();
      spillOut = null;
    }
    if (spillFile != null) {
      Files.deleteIfExists(spillFile.toPath());
      spillFile = null;
    }
  }
}
