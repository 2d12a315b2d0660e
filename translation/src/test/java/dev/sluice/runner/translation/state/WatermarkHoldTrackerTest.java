package dev.sluice.runner.translation.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class WatermarkHoldTrackerTest {

  @Test
  void shouldKnowTheEarliestHoldAsHoldsComeAndGo() {
    WatermarkHoldTracker holds = new WatermarkHoldTracker();
    assertThat(holds.earliest()).isEqualTo(Long.MAX_VALUE);
    holds.add(20);
    holds.add(10);
    holds.add(10);
    assertThat(holds.earliest()).isEqualTo(10);
    assertThat(holds.size()).isEqualTo(3);
    holds.remove(10);
    assertThat(holds.earliest()).isEqualTo(10);
    holds.remove(10);
    assertThat(holds.earliest()).isEqualTo(20);
    holds.add(10);
    assertThat(holds.earliest()).isEqualTo(10);
    holds.remove(10);
    holds.remove(20);
    assertThat(holds.earliest()).isEqualTo(Long.MAX_VALUE);
    assertThat(holds.size()).isZero();
  }

  @Test
  void shouldRefuseToRemoveAHoldThatIsNotThere() {
    WatermarkHoldTracker holds = new WatermarkHoldTracker();
    holds.add(5);
    assertThatThrownBy(() -> holds.remove(6)).isInstanceOf(IllegalStateException.class).hasMessageContaining("6");
  }

  /** Random adds and removes (with colliding and extreme timestamps) against a sorted multiset. */
  @Test
  void shouldAgreeWithASortedMultiset() {
    Random random = new Random(42);
    WatermarkHoldTracker holds = new WatermarkHoldTracker();
    TreeMap<Long, Integer> expected = new TreeMap<>();
    List<Long> present = new ArrayList<>();
    long[] extremes = {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1};
    for (int step = 0; step < 200_000; step++) {
      boolean add = present.isEmpty() || random.nextInt(100) < (present.size() < 3000 ? 55 : 45);
      if (add) {
        long ts = random.nextInt(50) == 0 ? extremes[random.nextInt(extremes.length)] : random.nextInt(5000) * 1024L;
        holds.add(ts);
        expected.merge(ts, 1, Integer::sum);
        present.add(ts);
      } else {
        int i = random.nextInt(present.size());
        long ts = present.get(i);
        present.set(i, present.get(present.size() - 1));
        present.remove(present.size() - 1);
        holds.remove(ts);
        expected.computeIfPresent(ts, (k, c) -> c == 1 ? null : c - 1);
      }
      if (step % 7 == 0) {
        assertThat(holds.earliest()).isEqualTo(expected.isEmpty() ? Long.MAX_VALUE : expected.firstKey());
        assertThat(holds.size()).isEqualTo(present.size());
      }
    }
  }
}
