package dev.sluice.engine.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.engine.api.AbstractOperator;
import dev.sluice.engine.api.OperatorFactory;
import dev.sluice.engine.serde.TypeSerializer;
import java.io.InputStream;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;

class JobGraphBuilderTest {

  private static final OperatorFactory NOOP = () -> new AbstractOperator() {
    @Override
    public void processElement(int input, Object value, long timestamp) {}
  };

  private static final TypeSerializer<Object> SERIALIZER = new TypeSerializer<>() {
    @Override
    public void serialize(Object value, OutputStream out) {}

    @Override
    public Object deserialize(InputStream in) {
      return null;
    }
  };

  @Test
  void shouldChainForwardEdgesWithEqualParallelism() {
    JobGraphBuilder b = new JobGraphBuilder("job", 16);
    int src = b.addOperator("src", NOOP, 2, 0, 1);
    int map = b.addOperator("map", NOOP, 2, 1, 2);
    int left = b.addOperator("left", NOOP, 2, 1, 1);
    int right = b.addOperator("right", NOOP, 4, 1, 1);
    b.connect(src, 0, map, 0, Partitioning.forward(), SERIALIZER);
    b.connect(map, 0, left, 0, Partitioning.forward(), SERIALIZER);
    b.connect(map, 1, right, 0, Partitioning.rebalance(), SERIALIZER);

    JobGraph g = b.build();

    assertThat(g.vertices()).hasSize(2);
    JobVertex first = g.vertices().get(0);
    assertThat(first.chain()).extracting(ChainedOperator::name).containsExactly("src", "map", "left");
    assertThat(first.chain().get(1).chainedTargets().get(0)).containsExactly(new ChainedOperator.ChainTarget(2, 0));
    assertThat(first.chain().get(1).networkTargets().get(1)).containsExactly(0);
    assertThat(g.edges()).hasSize(1);
    JobEdge edge = g.edges().get(0);
    assertThat(edge.source()).isEqualTo(first.id());
    assertThat(edge.sourceNode()).isEqualTo(1);
    assertThat(edge.sourcePort()).isEqualTo(1);
    assertThat(g.vertices().get(1).inputEdges()).containsExactly(0);
    assertThat(g.vertices().get(1).parallelism()).isEqualTo(4);
  }

  @Test
  void shouldNotChainOperatorWithTwoInputs() {
    JobGraphBuilder b = new JobGraphBuilder("job", 16);
    int src = b.addOperator("src", NOOP, 1, 0, 1);
    int join = b.addOperator("join", NOOP, 1, 2, 1);
    b.connect(src, 0, join, 0, Partitioning.forward(), SERIALIZER);
    b.connect(src, 0, join, 1, Partitioning.broadcast(), SERIALIZER);

    JobGraph g = b.build();

    assertThat(g.vertices()).hasSize(2);
    assertThat(g.edges()).extracting(JobEdge::targetInput).containsExactly(0, 1);
    assertThat(g.vertices().get(0).outputEdges()).containsExactly(0, 1);
  }

  @Test
  void shouldKeepDuplicateConnectionsAsSeparateEdges() {
    JobGraphBuilder b = new JobGraphBuilder("job", 16);
    int src = b.addOperator("src", NOOP, 1, 0, 1);
    int flatten = b.addOperator("flatten", NOOP, 1, 1, 1);
    b.connect(src, 0, flatten, 0, Partitioning.forward(), SERIALIZER);
    b.connect(src, 0, flatten, 0, Partitioning.forward(), SERIALIZER);

    JobGraph g = b.build();

    assertThat(g.edges()).hasSize(2);
    assertThat(g.vertices().get(0).head().networkTargets().get(0)).containsExactly(0, 1);
  }

  @Test
  void shouldNotChainWhenDisabled() {
    JobGraphBuilder b = new JobGraphBuilder("job", 16);
    int src = b.addOperator("src", NOOP, 1, 0, 1);
    int sink = b.addOperator("sink", NOOP, 1, 1, 0);
    b.disableChaining(sink);
    b.connect(src, 0, sink, 0, Partitioning.forward(), SERIALIZER);

    assertThat(b.build().vertices()).hasSize(2);
  }

  @Test
  void shouldRejectForwardEdgeBetweenDifferentParallelism() {
    JobGraphBuilder b = new JobGraphBuilder("job", 16);
    int src = b.addOperator("src", NOOP, 1, 0, 1);
    int map = b.addOperator("map", NOOP, 2, 1, 1);
    assertThatThrownBy(() -> b.connect(src, 0, map, 0, Partitioning.forward(), SERIALIZER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("src -> map");
  }
}
