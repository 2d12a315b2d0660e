package dev.sluice.engine.graph;

import dev.sluice.engine.api.OperatorFactory;
import dev.sluice.engine.graph.ChainedOperator.ChainTarget;
import dev.sluice.engine.serde.TypeSerializer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link JobGraph} from operators and the connections between them, and decides
 * chaining: a connection is chained (records passed by call, never serialized) when it is
 * FORWARD, both operators have the same parallelism, the downstream operator has no other
 * incoming connection and neither side disabled chaining.
 *
 * <p>Operators must be added in topological order (a connection's source before its target).
 */
public final class JobGraphBuilder {

  private final String jobName;
  private final int maxParallelism;
  private final Map<String, String> config = new LinkedHashMap<>();
  private final List<Node> nodes = new ArrayList<>();
  private final List<Connection> connections = new ArrayList<>();

  public JobGraphBuilder(String jobName, int maxParallelism) {
    if (maxParallelism < 1) {
      throw new IllegalArgumentException("maxParallelism must be positive, was " + maxParallelism);
    }
    this.jobName = jobName;
    this.maxParallelism = maxParallelism;
  }

  /** Adds an operator; returns its node id for {@link #connect}. */
  public int addOperator(
      String name, OperatorFactory factory, int parallelism, int numberOfInputs, int numberOfOutputPorts) {
    if (parallelism < 1 || parallelism > maxParallelism) {
      throw new IllegalArgumentException(
          "Parallelism of " + name + " must be in [1, maxParallelism=" + maxParallelism + "], was " + parallelism);
    }
    nodes.add(new Node(nodes.size(), name, factory, parallelism, numberOfInputs, numberOfOutputPorts));
    return nodes.size() - 1;
  }

  /** The parallelism {@code node} was added with. */
  public int parallelism(int node) {
    return nodes.get(node).parallelism;
  }

  /** Keeps an operator at the head of its own task (e.g. a blocking or expensive operator). */
  public JobGraphBuilder disableChaining(int node) {
    nodes.get(node).chainable = false;
    return this;
  }

  public JobGraphBuilder setConfig(String key, String value) {
    config.put(key, value);
    return this;
  }

  /** Connects output port {@code sourcePort} of {@code source} to input {@code targetInput} of {@code target}. */
  @SuppressWarnings("unchecked")
  public JobGraphBuilder connect(
      int source, int sourcePort, int target, int targetInput, Partitioning partitioning, TypeSerializer<?> serializer) {
    Node s = nodes.get(source);
    Node t = nodes.get(target);
    if (source >= target) {
      throw new IllegalArgumentException("Operators must be connected in topological order: " + s.name + " -> " + t.name);
    }
    if (sourcePort < 0 || sourcePort >= s.outputPorts) {
      throw new IllegalArgumentException(s.name + " has no output port " + sourcePort);
    }
    if (targetInput < 0 || targetInput >= t.inputs) {
      throw new IllegalArgumentException(t.name + " has no input " + targetInput);
    }
    if (partitioning instanceof Partitioning.Forward && s.parallelism != t.parallelism) {
      throw new IllegalArgumentException(
          "FORWARD edge " + s.name + " -> " + t.name + " needs equal parallelism, was " + s.parallelism + " and " + t.parallelism);
    }
    connections.add(new Connection(source, sourcePort, target, targetInput, partitioning, (TypeSerializer<Object>) serializer));
    return this;
  }

  public JobGraph build() {
    Map<Integer, List<Connection>> incoming = new HashMap<>();
    for (Connection c : connections) {
      incoming.computeIfAbsent(c.target, k -> new ArrayList<>()).add(c);
    }
    // Assign each node to a vertex: chained nodes join their upstream node's vertex.
    int[] vertexOf = new int[nodes.size()];
    int[] indexInChain = new int[nodes.size()];
    List<List<Node>> chains = new ArrayList<>();
    for (Node n : nodes) {
      List<Connection> in = incoming.getOrDefault(n.id, List.of());
      if (in.size() == 1 && isChainable(in.get(0))) {
        int v = vertexOf[in.get(0).source];
        vertexOf[n.id] = v;
        indexInChain[n.id] = chains.get(v).size();
        chains.get(v).add(n);
      } else {
        vertexOf[n.id] = chains.size();
        indexInChain[n.id] = 0;
        List<Node> chain = new ArrayList<>();
        chain.add(n);
        chains.add(chain);
      }
    }
    // Network edges, numbered in connection order.
    List<JobEdge> edges = new ArrayList<>();
    // Identity: two equal connections (the same PCollection flattened twice) are two edges.
    Map<Connection, Integer> edgeOf = new IdentityHashMap<>();
    for (Connection c : connections) {
      if (vertexOf[c.source] == vertexOf[c.target] && indexInChain[c.target] != 0) {
        continue;
      }
      int id = edges.size();
      edges.add(new JobEdge(id, new VertexId(vertexOf[c.source]), indexInChain[c.source], c.sourcePort,
          new VertexId(vertexOf[c.target]), c.targetInput, c.partitioning, c.serializer));
      edgeOf.put(c, id);
    }
    List<JobVertex> vertices = new ArrayList<>();
    for (int v = 0; v < chains.size(); v++) {
      List<ChainedOperator> chain = new ArrayList<>();
      List<Integer> inputEdges = new ArrayList<>();
      List<Integer> outputEdges = new ArrayList<>();
      for (Node n : chains.get(v)) {
        List<List<ChainTarget>> chained = new ArrayList<>();
        List<List<Integer>> network = new ArrayList<>();
        for (int p = 0; p < n.outputPorts; p++) {
          chained.add(new ArrayList<>());
          network.add(new ArrayList<>());
        }
        for (Connection c : connections) {
          if (c.source != n.id) {
            continue;
          }
          Integer edge = edgeOf.get(c);
          if (edge == null) {
            chained.get(c.sourcePort).add(new ChainTarget(indexInChain[c.target], c.targetInput));
          } else {
            network.get(c.sourcePort).add(edge);
            outputEdges.add(edge);
          }
        }
        chain.add(new ChainedOperator(n.name, n.factory, n.inputs, freeze(chained), freeze(network)));
      }
      for (JobEdge e : edges) {
        if (e.target().value() == v) {
          inputEdges.add(e.id());
        }
      }
      Node head = chains.get(v).get(0);
      vertices.add(new JobVertex(new VertexId(v), vertexName(chains.get(v)), head.parallelism, maxParallelism,
          List.copyOf(chain), List.copyOf(inputEdges), List.copyOf(outputEdges)));
    }
    return new JobGraph(JobId.generate(), jobName, List.copyOf(vertices), List.copyOf(edges), Map.copyOf(config));
  }

  private boolean isChainable(Connection c) {
    Node s = nodes.get(c.source);
    Node t = nodes.get(c.target);
    return c.partitioning instanceof Partitioning.Forward && s.parallelism == t.parallelism && s.chainable && t.chainable;
  }

  private static String vertexName(List<Node> chain) {
    return chain.size() == 1 ? chain.get(0).name : chain.get(0).name + " -> ... -> " + chain.get(chain.size() - 1).name;
  }

  private static <T> List<List<T>> freeze(List<List<T>> lists) {
    List<List<T>> out = new ArrayList<>(lists.size());
    for (List<T> l : lists) {
      out.add(List.copyOf(l));
    }
    return List.copyOf(out);
  }

  private static final class Node {
    final int id;
    final String name;
    final OperatorFactory factory;
    final int parallelism;
    final int inputs;
    final int outputPorts;
    boolean chainable = true;

    Node(int id, String name, OperatorFactory factory, int parallelism, int inputs, int outputPorts) {
      this.id = id;
      this.name = name;
      this.factory = factory;
      this.parallelism = parallelism;
      this.inputs = inputs;
      this.outputPorts = outputPorts;
    }
  }

  private record Connection(
      int source, int sourcePort, int target, int targetInput, Partitioning partitioning, TypeSerializer<Object> serializer) {}
}
