package dev.sluice.engine.task;

import dev.sluice.engine.api.AbstractOperator;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.SourceOperator;
import dev.sluice.engine.serde.TypeSerializer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/** Small operators and serializers for task tests. Results land in static maps keyed by a test id. */
final class TestOperators {

  /** What a sink subtask received. */
  record Received(int subtask, int input, Object value, long timestamp) {}

  private static final Map<String, Queue<Received>> SINKS = new ConcurrentHashMap<>();
  private static final Map<String, Queue<String>> EVENTS = new ConcurrentHashMap<>();
  private static final Map<String, AtomicLong> COUNTERS = new ConcurrentHashMap<>();

  private TestOperators() {}

  static Queue<Received> sink(String id) {
    return SINKS.computeIfAbsent(id, k -> new ConcurrentLinkedQueue<>());
  }

  /** Lifecycle events of one operator subtask, in order. */
  static Queue<String> events(String id) {
    return EVENTS.computeIfAbsent(id, k -> new ConcurrentLinkedQueue<>());
  }

  static AtomicLong counter(String id) {
    return COUNTERS.computeIfAbsent(id, k -> new AtomicLong());
  }

  interface SerFunction<A, B> extends Function<A, B>, Serializable {}

  /**
   * A source that never ends: its availability future never completes, so once
   * {@code emitNext} has nothing more the task only runs mail (timers, cancellation). Subclasses
   * say what it emits.
   */
  abstract static class NeverEndingSourceBase implements SourceOperator {
    private final CompletableFuture<Void> never = new CompletableFuture<>();

    @Override
    public CompletableFuture<?> available() {
      return never;
    }

    @Override
    public void finish() {}

    @Override
    public void close() {}
  }

  /**
   * Subtask {@code s} emits {@code valueFn(s * count + i)} for i in [0, count), timestamp i, in
   * batches of 50; counts emitted records in {@code counter(id + "/emitted")}.
   */
  static final class SequenceSource implements SourceOperator {
    private final String id;
    private final long count;
    private final SerFunction<Long, Object> valueFn;
    private int subtask;
    private long next;

    SequenceSource(String id, long count, SerFunction<Long, Object> valueFn) {
      this.id = id;
      this.count = count;
      this.valueFn = valueFn;
    }

    SequenceSource(String id, long count) {
      this(id, count, v -> v);
    }

    @Override
    public void open(dev.sluice.engine.api.OperatorContext context, Output output) {
      subtask = context.subtaskIndex();
    }

    @Override
    public Status emitNext(Output output) {
      for (int i = 0; i < 50 && next < count; i++, next++) {
        output.emit(0, valueFn.apply(subtask * count + next), next);
        counter(id + "/emitted").incrementAndGet();
      }
      return next < count ? Status.MORE_AVAILABLE : Status.END_OF_INPUT;
    }

    @Override
    public void finish() {
      events(id + "/" + subtask).add("finish");
    }

    @Override
    public void close() {
      events(id + "/" + subtask).add("close");
    }
  }

  static final class MapOperator extends AbstractOperator {
    private final SerFunction<Object, Object> fn;

    MapOperator(SerFunction<Object, Object> fn) {
      this.fn = fn;
    }

    @Override
    public void processElement(int input, Object value, long timestamp) {
      output.emit(0, fn.apply(value), timestamp);
    }
  }

  /** Collects records into {@link #sink} and lifecycle events into {@link #events}. */
  static class CollectSink extends AbstractOperator {
    final String id;
    private final int inputs;

    CollectSink(String id) {
      this(id, 1);
    }

    CollectSink(String id, int inputs) {
      this.id = id;
      this.inputs = inputs;
    }

    @Override
    protected int numberOfInputs() {
      return inputs;
    }

    @Override
    public void processElement(int input, Object value, long timestamp) throws Exception {
      sink(id).add(new Received(context.subtaskIndex(), input, value, timestamp));
    }

    @Override
    public void processWatermark(int input, long watermark) throws Exception {
      events(id + "/" + context.subtaskIndex()).add("wm:" + input + ":" + watermark);
      super.processWatermark(input, watermark);
    }

    @Override
    public void endInput(int input) {
      events(id + "/" + context.subtaskIndex()).add("end:" + input);
    }

    @Override
    public void finish() {
      events(id + "/" + context.subtaskIndex()).add("finish");
    }

    @Override
    public void close() {
      if (context != null) {
        events(id + "/" + context.subtaskIndex()).add("close");
      }
    }
  }

  /** Big-endian 8 bytes; counts calls in {@code counter(id + "/serialize")}. */
  static final class LongSerializer implements TypeSerializer<Object> {
    private final String id;

    LongSerializer(String id) {
      this.id = id;
    }

    @Override
    public void serialize(Object value, OutputStream out) throws IOException {
      counter(id + "/serialize").incrementAndGet();
      long v = (Long) value;
      for (int i = 56; i >= 0; i -= 8) {
        out.write((int) (v >>> i));
      }
    }

    @Override
    public Object deserialize(InputStream in) throws IOException {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("truncated long");
        }
        v = (v << 8) | b;
      }
      return v;
    }
  }

  /** Length-prefixed byte arrays. */
  static final class BytesSerializer implements TypeSerializer<Object> {
    @Override
    public void serialize(Object value, OutputStream out) throws IOException {
      byte[] b = (byte[]) value;
      DataOutputStream d = new DataOutputStream(out);
      d.writeInt(b.length);
      d.write(b);
      d.flush();
    }

    @Override
    public Object deserialize(InputStream in) throws IOException {
      DataInputStream d = new DataInputStream(in);
      byte[] b = new byte[d.readInt()];
      d.readFully(b);
      return b;
    }
  }

  /** For edges that must never serialize (chained ones). */
  static final class FailingSerializer implements TypeSerializer<Object> {
    private final String id;

    FailingSerializer(String id) {
      this.id = id;
    }

    @Override
    public void serialize(Object value, OutputStream out) {
      counter(id + "/serialize").incrementAndGet();
      throw new AssertionError("serializer of a chained edge was called");
    }

    @Override
    public Object deserialize(InputStream in) {
      counter(id + "/deserialize").incrementAndGet();
      throw new AssertionError("deserializer of a chained edge was called");
    }
  }
}
