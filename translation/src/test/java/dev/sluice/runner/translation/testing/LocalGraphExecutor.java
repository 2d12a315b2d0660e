package dev.sluice.runner.translation.testing;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.api.KeyGroupRange;
import dev.sluice.engine.api.Operator;
import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.ProcessingTimeService;
import dev.sluice.engine.api.SourceOperator;
import dev.sluice.engine.api.Watermarks;
import dev.sluice.engine.graph.ChainedOperator;
import dev.sluice.engine.graph.JobEdge;
import dev.sluice.engine.graph.JobGraph;
import dev.sluice.engine.graph.JobVertex;
import dev.sluice.engine.graph.Partitioning;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Runs a bounded {@link JobGraph} on the calling thread, vertex after vertex, without an engine:
 * a test stand-in until the engine runtime exists. It honours chaining, partitioning (records
 * crossing an edge are encoded and decoded with the edge's serializer), {@link
 * Operator#selectedInputs()} and the operator lifecycle; it does not model watermarks across
 * edges beyond "+infinity at end of input", nor timers.
 */
public final class LocalGraphExecutor {

  private record Pending(Object value, long timestamp) {}

  private final JobGraph graph;
  /** Per vertex, per subtask, per head input: the records waiting for it. */
  private final List<List<List<ArrayDeque<Pending>>>> inbox = new ArrayList<>();
  private final Map<String, Accumulator<?>> accumulators = new HashMap<>();
  private final Map<Integer, Integer> rebalanceCounters = new HashMap<>();

  public LocalGraphExecutor(JobGraph graph) {
    this.graph = graph;
    for (JobVertex v : graph.vertices()) {
      List<List<ArrayDeque<Pending>>> perSubtask = new ArrayList<>();
      for (int s = 0; s < v.parallelism(); s++) {
        List<ArrayDeque<Pending>> perInput = new ArrayList<>();
        for (int i = 0; i < v.head().numberOfInputs(); i++) {
          perInput.add(new ArrayDeque<>());
        }
        perSubtask.add(perInput);
      }
      inbox.add(perSubtask);
    }
  }

  /** Runs every vertex to its end; returns the accumulators merged over all subtasks. */
  public Map<String, Accumulator<?>> run() throws Exception {
    for (JobVertex v : graph.vertices()) {
      for (int s = 0; s < v.parallelism(); s++) {
        runSubtask(v, s);
      }
    }
    return accumulators;
  }

  private void runSubtask(JobVertex vertex, int subtask) throws Exception {
    List<ChainedOperator> chain = vertex.chain();
    Operator[] ops = new Operator[chain.size()];
    Map<String, Accumulator<?>> local = new HashMap<>();
    File tmp = Files.createTempDirectory("sluice-local").toFile();
    for (int i = 0; i < ops.length; i++) {
      ops[i] = chain.get(i).factory().create();
    }
    try {
      for (int i = 0; i < ops.length; i++) {
        ops[i].open(new Context(vertex, subtask, chain.get(i).name(), local, tmp), new ChainOutput(vertex, subtask, chain.get(i), ops));
      }
      Operator head = ops[0];
      if (head instanceof SourceOperator source) {
        ChainOutput out = new ChainOutput(vertex, subtask, chain.get(0), ops);
        while (source.emitNext(out) != SourceOperator.Status.END_OF_INPUT) {
          // keep reading
        }
        out.emitWatermark(Watermarks.MAX);
        head.finish();
      } else {
        drainInputs(head, inbox.get(vertex.id().value()).get(subtask));
      }
      for (int i = 1; i < ops.length; i++) {
        for (int in = 0; in < chain.get(i).numberOfInputs(); in++) {
          ops[i].processWatermark(in, Watermarks.MAX);
          ops[i].endInput(in);
        }
        ops[i].finish();
      }
    } finally {
      for (Operator op : ops) {
        op.close();
      }
    }
    merge(local);
  }

  /** Feeds queued records, always from the first selected input that has not ended. */
  private static void drainInputs(Operator head, List<ArrayDeque<Pending>> inputs) throws Exception {
    boolean[] ended = new boolean[inputs.size()];
    int remaining = inputs.size();
    while (remaining > 0) {
      int[] selected = head.selectedInputs();
      int input = -1;
      if (selected == null) {
        for (int i = 0; i < ended.length && input < 0; i++) {
          input = ended[i] ? -1 : i;
        }
      } else {
        for (int i : selected) {
          if (!ended[i]) {
            input = i;
            break;
          }
        }
      }
      if (input < 0) {
        throw new IllegalStateException("Operator selected only ended inputs: " + java.util.Arrays.toString(selected));
      }
      Pending p = inputs.get(input).poll();
      if (p != null) {
        head.processElement(input, p.value(), p.timestamp());
      } else {
        head.processWatermark(input, Watermarks.MAX);
        head.endInput(input);
        ended[input] = true;
        remaining--;
      }
    }
    head.finish();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void merge(Map<String, Accumulator<?>> local) {
    for (Map.Entry<String, Accumulator<?>> e : local.entrySet()) {
      Accumulator existing = accumulators.get(e.getKey());
      if (existing == null) {
        accumulators.put(e.getKey(), e.getValue().copy());
      } else {
        existing.merge(e.getValue());
      }
    }
  }

  private void route(JobEdge edge, int producerSubtask, Object value, long timestamp) {
    JobVertex target = graph.vertex(edge.target());
    int p = target.parallelism();
    List<Integer> targets = new ArrayList<>();
    Partitioning partitioning = edge.partitioning();
    if (partitioning instanceof Partitioning.Forward) {
      targets.add(producerSubtask);
    } else if (partitioning instanceof Partitioning.Rebalance) {
      int next = rebalanceCounters.merge(edge.id(), 1, Integer::sum);
      targets.add((producerSubtask + next) % p);
    } else if (partitioning instanceof Partitioning.Broadcast) {
      for (int i = 0; i < p; i++) {
        targets.add(i);
      }
    } else if (partitioning instanceof Partitioning.Hash hash) {
      try {
        int keyGroup = KeyGroupRange.assignToKeyGroup(hash.keySelector().getKey(value).hashCode(), target.maxParallelism());
        targets.add(KeyGroupRange.operatorIndexForKeyGroup(target.maxParallelism(), p, keyGroup));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    for (int t : targets) {
      inbox.get(target.id().value()).get(t).get(edge.targetInput()).add(new Pending(roundTrip(edge, value), timestamp));
    }
  }

  private static Object roundTrip(JobEdge edge, Object value) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      edge.serializer().serialize(value, bytes);
      return edge.serializer().deserialize(new ByteArrayInputStream(bytes.toByteArray()));
    } catch (IOException e) {
      throw new IllegalStateException("Edge " + edge.id() + " could not encode " + value, e);
    }
  }

  private final class ChainOutput implements Output {
    private final JobVertex vertex;
    private final int subtask;
    private final ChainedOperator node;
    private final Operator[] ops;

    ChainOutput(JobVertex vertex, int subtask, ChainedOperator node, Operator[] ops) {
      this.vertex = vertex;
      this.subtask = subtask;
      this.node = node;
      this.ops = ops;
    }

    @Override
    public void emit(int port, Object value, long timestamp) {
      try {
        for (ChainedOperator.ChainTarget t : node.chainedTargets().get(port)) {
          ops[t.node()].processElement(t.input(), value, timestamp);
        }
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      for (int edge : node.networkTargets().get(port)) {
        route(graph.edge(edge), subtask, value, timestamp);
      }
    }

    @Override
    public void emitWatermark(long watermark) {
      try {
        for (List<ChainedOperator.ChainTarget> targets : node.chainedTargets()) {
          for (ChainedOperator.ChainTarget t : targets) {
            ops[t.node()].processWatermark(t.input(), watermark);
          }
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private final class Context implements OperatorContext {
    private final JobVertex vertex;
    private final int subtask;
    private final String name;
    private final Map<String, Accumulator<?>> local;
    private final File tmp;

    Context(JobVertex vertex, int subtask, String name, Map<String, Accumulator<?>> local, File tmp) {
      this.vertex = vertex;
      this.subtask = subtask;
      this.name = name;
      this.local = local;
      this.tmp = tmp;
    }

    @Override public dev.sluice.engine.graph.JobId jobId() { return graph.jobId(); }
    @Override public String jobName() { return graph.name(); }
    @Override public String operatorName() { return name; }
    @Override public String taskName() { return vertex.name() + " (" + (subtask + 1) + "/" + vertex.parallelism() + ")#0"; }
    @Override public int subtaskIndex() { return subtask; }
    @Override public int parallelism() { return vertex.parallelism(); }
    @Override public int maxParallelism() { return vertex.maxParallelism(); }
    @Override public KeyGroupRange keyGroupRange() { return KeyGroupRange.forSubtask(vertex.maxParallelism(), vertex.parallelism(), subtask); }
    @Override public ClassLoader userClassLoader() { return LocalGraphExecutor.class.getClassLoader(); }
    @Override public File tempDirectory() { return tmp; }
    @Override public long managedMemoryBytes() { return 1L << 20; }
    @Override public Executor mailbox() { return Runnable::run; }

    @Override
    public ProcessingTimeService processingTimeService() {
      return new ProcessingTimeService() {
        @Override public long currentTime() { return System.currentTimeMillis(); }
        @Override public Cancellable registerTimer(long time, ProcessingTimeCallback callback) {
          // Runs bounded jobs to their end in one go, so processing time never reaches a timer:
          // callbacks are dropped, like those still pending when a task ends. Operators fire
          // their processing-time timers at the end of input.
          return () -> {};
        }
      };
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends Accumulator<A>> A accumulator(String accumulatorName, Supplier<A> factory) {
      return (A) local.computeIfAbsent(accumulatorName, n -> factory.get());
    }
  }
}
