package dev.sluice.engine.state.heap;

import dev.sluice.engine.api.KeyGroupRange;
import dev.sluice.engine.serde.TypeSerializer;
import dev.sluice.engine.state.InternalTimerService;
import dev.sluice.engine.state.StateKind;
import dev.sluice.engine.state.Triggerable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The heap backend's timer service: one {@link TimerHeap} per time domain, holding timers of
 * all key groups of the backend (firing needs the global order; snapshots bucket by key group).
 *
 * <p>Snapshot payload of one key group (an EVENT_TIME_TIMERS or PROCESSING_TIME_TIMERS entry
 * named after the service): {@code count:int (key namespace timestamp:long)*}.
 *
 * <p>Mailbox thread only.
 */
final class HeapTimerService<K, N> implements InternalTimerService<N> {

  private final String name;
  private final HeapKeyedStateBackend<K> backend;
  private final TypeSerializer<K> keySerializer;
  private final TypeSerializer<N> namespaceSerializer;
  private final Triggerable<K, N> triggerable;
  private final TimerHeap<K, N> eventTimers = new TimerHeap<>();
  private final TimerHeap<K, N> processingTimers = new TimerHeap<>();
  private long currentWatermark = Long.MIN_VALUE;

  HeapTimerService(
      String name,
      HeapKeyedStateBackend<K> backend,
      TypeSerializer<N> namespaceSerializer,
      Triggerable<K, N> triggerable) {
    this.name = name;
    this.backend = backend;
    this.keySerializer = backend.keySerializer();
    this.namespaceSerializer = namespaceSerializer;
    this.triggerable = triggerable;
  }

  String name() {
    return name;
  }

  Triggerable<K, N> triggerable() {
    return triggerable;
  }

  @Override
  public long currentWatermark() {
    return currentWatermark;
  }

  @Override
  public void registerEventTimeTimer(N namespace, long timestamp) {
    eventTimers.add(backend.requireCurrentKey(), namespace, timestamp, backend.getCurrentKeyGroup());
  }

  @Override
  public void deleteEventTimeTimer(N namespace, long timestamp) {
    eventTimers.remove(backend.requireCurrentKey(), namespace, timestamp);
  }

  @Override
  public void registerProcessingTimeTimer(N namespace, long timestamp) {
    processingTimers.add(
        backend.requireCurrentKey(), namespace, timestamp, backend.getCurrentKeyGroup());
  }

  @Override
  public void deleteProcessingTimeTimer(N namespace, long timestamp) {
    processingTimers.remove(backend.requireCurrentKey(), namespace, timestamp);
  }

  @Override
  public void advanceWatermark(long watermark) throws Exception {
    currentWatermark = Math.max(currentWatermark, watermark);
    TimerHeap.Timer<K, N> timer;
    // Re-peek after every callback: it may have added (already due) or deleted timers.
    while ((timer = eventTimers.peek()) != null && timer.timestamp() <= watermark) {
      eventTimers.poll();
      backend.setCurrentKey(timer.key(), timer.keyGroup());
      triggerable.onEventTime(timer);
    }
  }

  @Override
  public void advanceProcessingTime(long time) throws Exception {
    TimerHeap.Timer<K, N> timer;
    while ((timer = processingTimers.peek()) != null && timer.timestamp() <= time) {
      processingTimers.poll();
      backend.setCurrentKey(timer.key(), timer.keyGroup());
      triggerable.onProcessingTime(timer);
    }
  }

  @Override
  public long nextProcessingTime() {
    TimerHeap.Timer<K, N> head = processingTimers.peek();
    return head == null ? Long.MAX_VALUE : head.timestamp();
  }

  @Override
  public long nextEventTime() {
    TimerHeap.Timer<K, N> head = eventTimers.peek();
    return head == null ? Long.MAX_VALUE : head.timestamp();
  }

  @Override
  public int numberOfTimers() {
    return eventTimers.size() + processingTimers.size();
  }

  /** Payloads per key group of {@code range} (index {@code keyGroup - start}); null if none. */
  byte[][] snapshot(StateKind kind, KeyGroupRange range) throws IOException {
    TimerHeap<K, N> timers = heapFor(kind);
    List<List<TimerHeap.Timer<K, N>>> buckets = new ArrayList<>(range.size());
    for (int i = 0; i < range.size(); i++) {
      buckets.add(null);
    }
    timers.forEach(
        timer -> {
          int slot = timer.keyGroup() - range.start();
          if (buckets.get(slot) == null) {
            buckets.set(slot, new ArrayList<>());
          }
          buckets.get(slot).add(timer);
        });
    byte[][] payloads = new byte[range.size()][];
    for (int i = 0; i < payloads.length; i++) {
      List<TimerHeap.Timer<K, N>> bucket = buckets.get(i);
      if (bucket == null) {
        continue;
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(bucket.size());
      for (TimerHeap.Timer<K, N> timer : bucket) {
        keySerializer.serialize(timer.key(), out);
        namespaceSerializer.serialize(timer.namespace(), out);
        out.writeLong(timer.timestamp());
      }
      out.flush();
      payloads[i] = bytes.toByteArray();
    }
    return payloads;
  }

  /** Adds the timers of a payload written by {@link #snapshot}. */
  void restoreKeyGroup(StateKind kind, int keyGroup, byte[] payload) {
    TimerHeap<K, N> timers = heapFor(kind);
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        K key = keySerializer.deserialize(in);
        N namespace = namespaceSerializer.deserialize(in);
        timers.add(key, namespace, in.readLong(), keyGroup);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not restore " + kind + " of timer service '" + name + "' in key group "
              + keyGroup + " of " + backend.name(),
          e);
    }
  }

  private TimerHeap<K, N> heapFor(StateKind kind) {
    return switch (kind) {
      case EVENT_TIME_TIMERS -> eventTimers;
      case PROCESSING_TIME_TIMERS -> processingTimers;
      default -> throw new IllegalArgumentException("Not a timer kind: " + kind);
    };
  }
}
