package dev.sluice.engine.cluster.jobmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.cluster.testutil.LongSum;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccumulatorsTest {

  @Test
  void shouldMergeSameNamedAccumulatorsWithoutChangingTheInputs() {
    LongSum a = new LongSum(1);
    LongSum b = new LongSum(2);
    Map<String, Accumulator<?>> merged = Accumulators.merge(List.of(Map.of("n", a, "x", new LongSum(7)), Map.of("n", b)));
    assertThat(((LongSum) merged.get("n")).get()).isEqualTo(3);
    assertThat(((LongSum) merged.get("x")).get()).isEqualTo(7);
    assertThat(a.get()).isEqualTo(1);
    assertThat(b.get()).isEqualTo(2);
  }

  @Test
  void shouldNameTheAccumulatorWhoseTypesDiffer() {
    Accumulator<?> other = new Other();
    assertThatThrownBy(() -> Accumulators.merge(List.of(Map.of("n", new LongSum(1)), Map.of("n", other))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("Accumulator n");
  }

  static final class Other implements Accumulator<Other> {
    @Override
    public Other copy() {
      return new Other();
    }

    @Override
    public void merge(Other other) {}
  }
}
