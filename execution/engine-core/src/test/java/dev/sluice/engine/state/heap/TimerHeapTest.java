package dev.sluice.engine.state.heap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class TimerHeapTest {

  private record Ref(long timestamp, int key, int namespace) {}

  private static final Comparator<Ref> ORDER =
      Comparator.comparingLong(Ref::timestamp).thenComparingInt(Ref::key).thenComparingInt(Ref::namespace);

  /** Random adds, deletes and polls against a TreeSet model. */
  @Test
  void shouldBehaveLikeSortedSetModel() {
    Random random = new Random(7);
    TimerHeap<Integer, Integer> heap = new TimerHeap<>();
    TreeSet<Ref> model = new TreeSet<>(ORDER);
    for (int step = 0; step < 200_000; step++) {
      int key = random.nextInt(20);
      int namespace = random.nextInt(3);
      long timestamp = random.nextInt(500);
      int op = random.nextInt(10);
      if (op < 5) {
        boolean added = heap.add(key, namespace, timestamp, 0);
        assertThat(added).isEqualTo(model.add(new Ref(timestamp, key, namespace)));
      } else if (op < 8) {
        boolean removed = heap.remove(key, namespace, timestamp);
        assertThat(removed).isEqualTo(model.remove(new Ref(timestamp, key, namespace)));
      } else {
        TimerHeap.Timer<Integer, Integer> polled = heap.poll();
        if (model.isEmpty()) {
          assertThat(polled).isNull();
        } else {
          assertThat(polled).isNotNull();
          // Equal timestamps may come in any order: remove exactly the polled timer.
          assertThat(polled.timestamp()).isEqualTo(model.first().timestamp());
          assertThat(model.remove(new Ref(polled.timestamp(), polled.key(), polled.namespace())))
              .isTrue();
        }
      }
      assertThat(heap.size()).isEqualTo(model.size());
    }
    List<Long> drained = new ArrayList<>();
    TimerHeap.Timer<Integer, Integer> timer;
    while ((timer = heap.poll()) != null) {
      drained.add(timer.timestamp());
    }
    assertThat(drained).isSorted().hasSize(model.size());
  }
}
