package dev.sluice.engine.sort;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Groups (key, value) byte pairs by key in bounded memory: batch GroupByKey's engine.
 *
 * <p>Pairs are copied into a {@link SortBuffer} of at most {@code memoryBudgetBytes}. When the
 * next pair does not fit, the buffer is sorted (an index of it, not the data) and written to a
 * spill file as one sorted, grouped run. {@link #groups()} then k-way merges all runs with the
 * sorted in-memory remainder; if nothing was spilled, groups are served from memory alone. When
 * there are more than {@code maxFanIn} runs, the oldest are first merged into bigger runs so
 * that at most {@code maxFanIn} files are open at once.
 *
 * <p>Memory: the buffer (pages and index) stays within the budget, except that a single pair
 * larger than the budget is accepted on its own, and that budgets below about 1 KiB are
 * rounded up to one 256-byte page plus a 16-entry index. While merging, each open run
 * additionally holds a read buffer of budget / 128 bytes, within [4 KiB, 64 KiB] (at most
 * {@code maxFanIn} = 64 of them), and each value handed out is a new array.
 *
 * <p>Keys are ordered as unsigned bytes ({@link ByteArrayComparator}). The order of the values
 * within a group is unspecified.
 *
 * <h3>Threading model</h3>
 * Not thread-safe: one thread (the task's mailbox thread) owns a grouper and its cursor.
 *
 * <h3>Lifecycle</h3>
 * {@code add}* -> {@code groups()} once -> iterate the cursor -> {@code close()}. {@code close()}
 * is always required (also after a failure midway) and deletes every spill file; it is
 * idempotent and also closes the cursor.
 */
public final class SpillingGrouper implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SpillingGrouper.class);

  /** Largest read/write buffer per spill file. */
  static final int MAX_IO_BUFFER_BYTES = 64 * 1024;

  /** Smallest read/write buffer per spill file. */
  static final int MIN_IO_BUFFER_BYTES = 4 * 1024;

  static final int DEFAULT_MAX_FAN_IN = 64;

  private final File spillDirectory;
  private final int maxFanIn;
  private final SortBuffer buffer;
  /** Bytes of buffer per open spill file: budget / 128, within [4 KiB, 64 KiB]. */
  private final int ioBufferBytes;
  /** Completed runs not yet merged away, oldest first. */
  private final List<File> runs = new ArrayList<>();
  /** Every spill file created and not yet deleted, including one being written. */
  private final List<File> filesToDelete = new ArrayList<>();
  private long spilledBytes;
  private int spillCount;
  private MergingGroupCursor cursor;
  private boolean grouped;
  private boolean closed;

  /**
   * @param spillDirectory where spill files go (created if missing); e.g. the task's temp directory
   * @param memoryBudgetBytes how much memory buffered pairs may use before they are spilled
   */
  public SpillingGrouper(File spillDirectory, long memoryBudgetBytes) {
    this(spillDirectory, memoryBudgetBytes, DEFAULT_MAX_FAN_IN);
  }

  SpillingGrouper(File spillDirectory, long memoryBudgetBytes, int maxFanIn) {
    if (memoryBudgetBytes <= 0) {
      throw new IllegalArgumentException("Memory budget must be positive: " + memoryBudgetBytes);
    }
    if (maxFanIn < 2) {
      throw new IllegalArgumentException("Merge fan-in must be at least 2: " + maxFanIn);
    }
    this.spillDirectory = spillDirectory;
    this.maxFanIn = maxFanIn;
    this.buffer = new SortBuffer(memoryBudgetBytes);
    this.ioBufferBytes =
        (int)
            Math.max(MIN_IO_BUFFER_BYTES, Math.min(MAX_IO_BUFFER_BYTES, memoryBudgetBytes / 128));
  }

  /**
   * Adds one pair. The grouper <b>copies</b> both arrays, so the caller may reuse them after the
   * call returns.
   */
  public void add(byte[] key, byte[] value) throws IOException {
    checkAdding();
    if (!buffer.tryAdd(key, value)) {
      spillBuffer();
      if (!buffer.tryAdd(key, value)) {
        throw new IllegalStateException("An empty sort buffer refused a pair: this is a bug");
      }
    }
  }

  /**
   * Ends the input and returns the groups in ascending key order, each key once with all its
   * values. Call once; the cursor is closed by {@link GroupCursor#close()} or {@link #close()}.
   */
  public GroupCursor groups() throws IOException {
    checkAdding();
    grouped = true;
    List<SortedSource> sources = new ArrayList<>();
    try {
      // The in-memory remainder takes one slot of the fan-in.
      int fanIn = buffer.isEmpty() ? maxFanIn : maxFanIn - 1;
      while (runs.size() > fanIn) {
        mergeOldestRuns(Math.min(maxFanIn, runs.size() - fanIn + 1));
      }
      for (File run : runs) {
        sources.add(new RunReader(run, ioBufferBytes));
      }
      if (!buffer.isEmpty()) {
        sources.add(buffer.sortedSource());
      }
      cursor = new MergingGroupCursor(sources);
    } catch (IOException | RuntimeException e) {
      closeQuietly(sources, e);
      throw e;
    }
    return cursor;
  }

  /** Total bytes written to spill files, including intermediate merge passes. */
  public long spilledBytes() {
    return spilledBytes;
  }

  /** Number of times the in-memory buffer was spilled to a run file. */
  public int spillCount() {
    return spillCount;
  }

  /** Closes the cursor, releases the buffer and deletes all spill files; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (cursor != null) {
      try {
        cursor.close();
      } catch (IOException e) {
        LOG.warn("Closing the group cursor failed; spill files are deleted anyway", e);
      }
    }
    buffer.release();
    for (File file : filesToDelete) {
      try {
        Files.deleteIfExists(file.toPath());
      } catch (IOException e) {
        LOG.warn("Could not delete spill file {}; it will stay on disk", file, e);
      }
    }
    filesToDelete.clear();
    runs.clear();
  }

  private void spillBuffer() throws IOException {
    File file = newSpillFile();
    try (RunWriter writer = new RunWriter(file, ioBufferBytes)) {
      buffer.writeSortedRun(writer);
      spilledBytes += writer.bytesWritten();
    }
    runs.add(file);
    spillCount++;
    LOG.debug(
        "Spilled {} pairs ({} bytes in memory) to {}; {} runs so far",
        buffer.size(), buffer.memoryBytes(), file, runs.size());
    buffer.clear();
  }

  /** Replaces the {@code n} oldest runs by one run that merges them. */
  private void mergeOldestRuns(int n) throws IOException {
    List<File> inputs = new ArrayList<>(runs.subList(0, n));
    List<SortedSource> readers = new ArrayList<>(n);
    File output = newSpillFile();
    try (RunWriter writer = new RunWriter(output, ioBufferBytes)) {
      for (File input : inputs) {
        readers.add(new RunReader(input, ioBufferBytes));
      }
      try (MergingGroupCursor merge = new MergingGroupCursor(readers)) {
        while (merge.next()) {
          byte[] key = merge.key();
          writer.startGroup(key, 0, key.length);
          for (Iterator<byte[]> values = merge.values(); values.hasNext(); ) {
            byte[] value = values.next();
            writer.writeValue(value, 0, value.length);
          }
          writer.endGroup();
        }
      }
      writer.finish();
      spilledBytes += writer.bytesWritten();
    } catch (IOException | RuntimeException e) {
      closeQuietly(readers, e);
      throw e;
    }
    runs.subList(0, n).clear();
    runs.add(output);
    for (File input : inputs) {
      Files.deleteIfExists(input.toPath());
      filesToDelete.remove(input);
    }
    LOG.debug("Merged {} runs into {}; {} runs left", n, output, runs.size());
  }

  private File newSpillFile() throws IOException {
    Files.createDirectories(spillDirectory.toPath());
    File file =
        Files.createTempFile(spillDirectory.toPath(), "sluice-group-", ".run").toFile();
    filesToDelete.add(file);
    return file;
  }

  private void checkAdding() {
    if (closed) {
      throw new IllegalStateException("The grouper is closed");
    }
    if (grouped) {
      throw new IllegalStateException("groups() was already called: no more input is accepted");
    }
  }

  private static void closeQuietly(List<SortedSource> sources, Exception failure) {
    for (SortedSource source : sources) {
      try {
        source.close();
      } catch (IOException e) {
        failure.addSuppressed(e);
      }
    }
  }

  /**
   * The groups of a {@link SpillingGrouper}, in ascending unsigned key order.
   *
   * <p>Usage: {@code while (cursor.next()) { cursor.key(); cursor.values()... }}. Not
   * thread-safe.
   */
  public interface GroupCursor extends AutoCloseable {

    /** Advances to the next key, skipping unread values of the current one. */
    boolean next() throws IOException;

    /** The current key (a new array per group, owned by the caller). */
    byte[] key();

    /**
     * Values of the current key, streamed from memory and spill files (the group is never
     * materialized), single pass: call once per key, and not after {@link #next()}. Each value
     * is a new array owned by the caller. I/O failures surface as
     * {@link java.io.UncheckedIOException}.
     */
    Iterator<byte[]> values();

    @Override
    void close() throws IOException;
  }
}
