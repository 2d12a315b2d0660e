package dev.sluice.engine.task;

import dev.sluice.engine.api.Operator;
import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.graph.ChainedOperator;
import dev.sluice.engine.graph.ChainedOperator.ChainTarget;
import dev.sluice.engine.graph.JobEdge;
import dev.sluice.engine.graph.JobGraph;
import dev.sluice.engine.graph.JobVertex;
import dev.sluice.engine.graph.Partitioning;
import dev.sluice.engine.network.LocalShuffleEnvironment;
import dev.sluice.engine.network.RecordWriter;
import dev.sluice.engine.network.ResultPartition;
import dev.sluice.engine.network.ResultPartitionId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators of one subtask, their {@link ChainOutput}s, and the {@link RecordWriter}s of the
 * vertex's output edges (one registered {@link ResultPartition} per edge).
 *
 * <h3>Lifecycle</h3>
 * Constructed (operators created, partitions registered) -> {@link #open} tail first, so that
 * an operator that emits from {@code open} reaches opened operators -> records ->
 * {@link #finishOperators} head to tail -> {@link #finishPartitions()} -> {@link #closeOperators()}
 * (always, head to tail, also after failure; errors are logged and swallowed). On failure or
 * cancellation {@link #releasePartitions()} instead of finishing them.
 *
 * <p>Task thread only, except {@link #releasePartitions()} (any thread; used by cancel).
 */
final class OperatorChain {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorChain.class);

  private final ChainedOperator[] nodes;
  private final Operator[] operators;
  /** Input number of each non-head node at its chained predecessor; -1 for the head. */
  private final int[] chainInput;
  private final ChainOutput[] outputs;
  private final List<RecordWriter> writers = new ArrayList<>();
  private final List<ResultPartition> partitions = new ArrayList<>();
  private final StreamStatusMaintainer streamStatus = new StreamStatusMaintainer(writers);
  private boolean[] opened;
  /** What an operator's {@code emitProcessingTime} does; set by the task. */
  private ChainOutput.ProcessingTimeHandler processingTimeHandler = this::forwardProcessingTime;

  OperatorChain(TaskDeploymentDescriptor tdd, LocalShuffleEnvironment shuffle, boolean flushEveryRecord) {
    JobVertex vertex = tdd.vertex();
    JobGraph graph = tdd.jobGraph();
    int n = vertex.chain().size();
    nodes = vertex.chain().toArray(new ChainedOperator[0]);
    operators = new Operator[n];
    chainInput = new int[n];
    java.util.Arrays.fill(chainInput, -1);
    for (int i = 0; i < n; i++) {
      operators[i] = nodes[i].factory().create();
      if (operators[i] == null) {
        throw new IllegalStateException("Operator factory of " + nodes[i].name() + " returned null");
      }
    }
    for (ChainedOperator node : nodes) {
      for (List<ChainTarget> port : node.chainedTargets()) {
        for (ChainTarget t : port) {
          chainInput[t.node()] = t.input();
        }
      }
    }
    Map<Integer, RecordWriter> writerOfEdge = new HashMap<>();
    try {
      for (int edgeId : vertex.outputEdges()) {
        if (writerOfEdge.containsKey(edgeId)) {
          continue;
        }
        JobEdge edge = graph.edge(edgeId);
        JobVertex target = graph.vertex(edge.target());
        int subpartitions = edge.partitioning() instanceof Partitioning.Forward ? 1 : target.parallelism();
        ResultPartition p = shuffle.createResultPartition(
            new ResultPartitionId(graph.jobId(), edgeId, tdd.subtaskIndex()), subpartitions);
        partitions.add(p);
        RecordWriter w = new RecordWriter(p, edge.partitioning(), edge.serializer(), target.maxParallelism(),
            tdd.subtaskIndex(), flushEveryRecord);
        writers.add(w);
        writerOfEdge.put(edgeId, w);
      }
    } catch (RuntimeException e) {
      releasePartitions();
      throw e;
    }
    for (RecordWriter w : writers) {
      w.setBeforeBlocking(this::flushOutputs);
    }
    outputs = new ChainOutput[n];
    // Build outputs tail first: a node's output refers to later nodes only.
    for (int i = n - 1; i >= 0; i--) {
      List<List<ChainOutput.Target>> chained = new ArrayList<>();
      List<List<RecordWriter>> network = new ArrayList<>();
      for (int p = 0; p < nodes[i].numberOfOutputPorts(); p++) {
        List<ChainOutput.Target> ts = new ArrayList<>();
        for (ChainTarget t : nodes[i].chainedTargets().get(p)) {
          ts.add(new ChainOutput.Target(operators[t.node()], t.input(), nodes[t.node()].name()));
        }
        chained.add(ts);
        List<RecordWriter> ws = new ArrayList<>();
        for (int edgeId : nodes[i].networkTargets().get(p)) {
          ws.add(writerOfEdge.get(edgeId));
        }
        network.add(ws);
      }
      outputs[i] = new ChainOutput(chained, network, streamStatus, t -> processingTimeHandler.advanceTo(t));
    }
  }

  Operator head() {
    return operators[0];
  }

  ChainOutput headOutput() {
    return outputs[0];
  }

  /** The stream status of this task's outputs (idle or active). */
  StreamStatusMaintainer streamStatus() {
    return streamStatus;
  }

  String name(int node) {
    return nodes[node].name();
  }

  int size() {
    return operators.length;
  }

  Operator operator(int node) {
    return operators[node];
  }

  /** Opens operators tail first; {@code contexts} gives each node its context. */
  void open(Function<Integer, OperatorContext> contexts) throws Exception {
    opened = new boolean[operators.length];
    for (int i = operators.length - 1; i >= 0; i--) {
      // Marked first: an operator whose open failed half way is closed too.
      opened[i] = true;
      operators[i].open(contexts.apply(i), outputs[i]);
    }
  }

  /**
   * All inputs ended: {@code finish()} in chain order; a non-head node first gets
   * {@code endInput} of its one input, after everything its predecessor flushed in its finish.
   * A node whose {@link Operator#workAfterEndOfInput()} is still pending is finished, and the
   * nodes after it ended, only once that future is done: the rest runs as mail on the task
   * thread, while earlier mail (timers) keeps running. {@code whenFinished} runs after the last
   * node finished.
   */
  void finishOperators(TaskMailbox mailbox, TaskMailbox.ThrowingRunnable whenFinished) throws Exception {
    finishFrom(0, false, mailbox, whenFinished);
  }

  /** @param inputEnded whether node {@code first} already got its endInput and its pending work is done */
  private void finishFrom(int first, boolean inputEnded, TaskMailbox mailbox, TaskMailbox.ThrowingRunnable whenFinished)
      throws Exception {
    for (int i = first; i < operators.length; i++) {
      if (!(i == first && inputEnded)) {
        if (i > 0) {
          operators[i].endInput(chainInput[i]);
        }
        CompletableFuture<?> pending = operators[i].workAfterEndOfInput();
        if (pending != null && !pending.isDone()) {
          int node = i;
          LOG.debug("Operator {} has work left after the end of its input; finishing it when that is done", nodes[i].name());
          pending.whenComplete((r, failure) -> {
            try {
              mailbox.put(new TaskMailbox.Mail(() -> {
                rethrow(failure);
                finishFrom(node, true, mailbox, whenFinished);
              }, "finish " + nodes[node].name() + " after its remaining work"));
            } catch (RejectedExecutionException e) {
              // The task already ended (canceled or failed): nothing is left to finish.
            }
          });
          return;
        }
        if (pending != null) {
          rethrow(pending.handle((r, failure) -> failure).join());
        }
      }
      operators[i].finish();
    }
    whenFinished.run();
  }

  private static void rethrow(Throwable failure) throws Exception {
    Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (t instanceof Exception e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    if (t != null) {
      throw new IllegalStateException(t);
    }
  }

  /** What the task does when an operator emits synthetic processing time (default: forward it). */
  void setProcessingTimeHandler(ChainOutput.ProcessingTimeHandler handler) {
    this.processingTimeHandler = handler;
  }

  /** Sends a synthetic processing time (an aligned barrier) on every output, after all data so far. */
  void forwardProcessingTime(long time) {
    for (RecordWriter w : writers) {
      w.broadcastProcessingTime(time);
    }
  }

  boolean hasNetworkOutputs() {
    return !writers.isEmpty();
  }

  void flushOutputs() {
    for (RecordWriter w : writers) {
      w.flushAll();
    }
  }

  /** Sends end-of-partition (after all data) on every output. */
  void finishPartitions() {
    for (RecordWriter w : writers) {
      w.finish();
    }
  }

  /**
   * Closes every operator whose {@code open} was called (also if it threw); operators never
   * opened (the task failed or was canceled first) are not closed. Errors are logged, the first
   * one returned.
   */
  Throwable closeOperators() {
    Throwable first = null;
    if (opened == null) {
      return null;
    }
    for (int i = 0; i < operators.length; i++) {
      if (!opened[i]) {
        continue;
      }
      opened[i] = false;
      try {
        operators[i].close();
      } catch (Throwable t) {
        // We can only swallow the exception here: close must reach every operator.
        LOG.warn("Closing operator {} failed", nodes[i].name(), t);
        if (first == null) {
          first = t;
        }
      }
    }
    return first;
  }

  /** Task thread: drops partly filled buffers. */
  void discardOutputs() {
    for (RecordWriter w : writers) {
      w.discard();
    }
  }

  /** Any thread: wakes the task thread if it is blocked on a full pool; its writes fail from now on. */
  void abortWriters() {
    for (ResultPartition p : partitions) {
      p.abortProducer();
    }
  }

  /** Releases the output partitions; their consumers fail when they read them. */
  void releasePartitions() {
    for (ResultPartition p : partitions) {
      p.release();
    }
  }
}
