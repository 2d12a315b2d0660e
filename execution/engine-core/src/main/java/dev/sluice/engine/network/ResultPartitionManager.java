package dev.sluice.engine.network;

import dev.sluice.engine.graph.JobId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry of live result partitions, keyed by {@link ResultPartitionId}, shared by all
 * tasks on one {@link LocalShuffleEnvironment}.
 *
 * <p>Consumers and producers deploy in any order. A consumer that requests a subpartition
 * before its producer registered is parked as a pending request and attached (by the
 * registering thread) when the partition appears; nobody polls or busy-waits.
 *
 * <h3>Threading model</h3>
 * All methods are thread-safe (one monitor; called once per partition or channel, never per
 * buffer). Callbacks into channels run outside the monitor.
 */
public final class ResultPartitionManager {

  private static final Logger LOG = LoggerFactory.getLogger(ResultPartitionManager.class);

  /** Guarded by this. */
  private final Map<ResultPartitionId, Entry> entries = new HashMap<>();
  /** Guarded by this. */
  private boolean closed;

  /** Makes a partition available to consumers, attaching consumers that already asked for it. */
  void register(ResultPartition partition) {
    List<LocalInputChannel> waiting;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("Cannot register " + partition + ": the shuffle environment is closed");
      }
      Entry e = entries.computeIfAbsent(partition.id(), k -> new Entry());
      if (e.partition != null) {
        throw new IllegalStateException("Result partition " + partition.id() + " is already registered; a previous attempt of its producer was not released");
      }
      e.partition = partition;
      waiting = e.waiting;
      e.waiting = new ArrayList<>();
    }
    LOG.debug("Registered {}, attaching {} waiting consumers", partition, waiting.size());
    for (LocalInputChannel c : waiting) {
      c.attach(partition);
    }
  }

  /** Attaches {@code channel} to its subpartition now, or as soon as the producer registers. */
  void requestSubpartition(LocalInputChannel channel) {
    ResultPartition partition;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("Cannot request " + channel + ": the shuffle environment is closed");
      }
      Entry e = entries.computeIfAbsent(channel.partitionId(), k -> new Entry());
      partition = e.partition;
      if (partition == null) {
        e.waiting.add(channel);
      }
    }
    LOG.debug("Requested {} ({})", channel, partition == null ? "producer not registered yet" : "attached");
    if (partition != null) {
      channel.attach(partition);
    }
  }

  /** A consumer gave up before its producer registered. */
  synchronized void cancelRequest(LocalInputChannel channel) {
    Entry e = entries.get(channel.partitionId());
    if (e != null && e.partition == null) {
      e.waiting.remove(channel);
      if (e.waiting.isEmpty()) {
        entries.remove(channel.partitionId());
      }
    }
  }

  synchronized void unregister(ResultPartition partition) {
    Entry e = entries.get(partition.id());
    if (e != null && e.partition == partition) {
      entries.remove(partition.id());
    }
  }

  /** The registered partition with this id, or null. */
  public synchronized ResultPartition partition(ResultPartitionId id) {
    Entry e = entries.get(id);
    return e == null ? null : e.partition;
  }

  /** Number of registered partitions and pending requests' entries (for tests and leak checks). */
  public synchronized int size() {
    return entries.size();
  }

  /** Releases every partition of the job and fails consumers still waiting for a producer. */
  public void releaseJob(JobId job) {
    List<Entry> removed = new ArrayList<>();
    synchronized (this) {
      for (Iterator<Map.Entry<ResultPartitionId, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<ResultPartitionId, Entry> me = it.next();
        if (me.getKey().job().equals(job)) {
          removed.add(me.getValue());
          it.remove();
        }
      }
    }
    releaseAll(removed);
  }

  void close() {
    List<Entry> removed;
    synchronized (this) {
      closed = true;
      removed = new ArrayList<>(entries.values());
      entries.clear();
    }
    releaseAll(removed);
  }

  private static void releaseAll(List<Entry> removed) {
    for (Entry e : removed) {
      if (e.partition != null) {
        e.partition.release();
      }
      for (LocalInputChannel c : e.waiting) {
        c.onProducerReleased();
      }
    }
  }

  private static final class Entry {
    ResultPartition partition;
    List<LocalInputChannel> waiting = new ArrayList<>();
  }
}
