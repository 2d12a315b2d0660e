package dev.sluice.engine.cluster.testutil;

import dev.sluice.engine.api.Operator;
import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.graph.JobGraph;
import dev.sluice.engine.graph.JobGraphBuilder;
import dev.sluice.engine.graph.Partitioning;
import dev.sluice.engine.serde.TypeSerializer;
import java.io.InputStream;
import java.io.OutputStream;

/** Job graphs for control-plane tests; their operators are never run. */
public final class TestJobGraphs {

  private TestJobGraphs() {}

  /** {@code source} (parallelism {@code p1}) -REBALANCE-> {@code sink} (parallelism {@code p2}): two vertices. */
  public static JobGraph twoVertices(String name, int p1, int p2) {
    JobGraphBuilder b = new JobGraphBuilder(name, 128);
    int source = b.addOperator("source", NoOpOperator::new, p1, 0, 1);
    int sink = b.addOperator("sink", NoOpOperator::new, p2, 1, 0);
    b.connect(source, 0, sink, 0, Partitioning.rebalance(), new NoOpSerializer());
    return b.build();
  }

  /** Never run. */
  public static final class NoOpOperator implements Operator {
    @Override
    public void open(OperatorContext context, Output output) {}

    @Override
    public void processElement(int input, Object value, long timestamp) {}

    @Override
    public void processWatermark(int input, long watermark) {}

    @Override
    public void endInput(int input) {}

    @Override
    public void finish() {}

    @Override
    public void close() {}
  }

  /** Never used. */
  public static final class NoOpSerializer implements TypeSerializer<Object> {
    @Override
    public void serialize(Object value, OutputStream out) {}

    @Override
    public Object deserialize(InputStream in) {
      return null;
    }
  }
}
