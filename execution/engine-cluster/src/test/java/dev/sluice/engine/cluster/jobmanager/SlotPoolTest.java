package dev.sluice.engine.cluster.jobmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.engine.cluster.rpc.SlotId;
import dev.sluice.engine.cluster.rpc.TaskManagerId;
import dev.sluice.engine.cluster.testutil.FakeTaskManagerGateway;
import dev.sluice.engine.graph.JobId;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlotPoolTest {

  private final SlotPool pool = new SlotPool();
  private final TaskManagerId tm0 = new TaskManagerId("tm-0");
  private final TaskManagerId tm1 = new TaskManagerId("tm-1");

  SlotPoolTest() {
    pool.registerTaskManager(tm0, new FakeTaskManagerGateway("tm-0"));
    pool.registerTaskManager(tm1, new FakeTaskManagerGateway("tm-1"));
    pool.offerSlots(tm0, List.of(new SlotId(tm0, 0), new SlotId(tm0, 1)));
    pool.offerSlots(tm1, List.of(new SlotId(tm1, 0), new SlotId(tm1, 1)));
  }

  @Test
  void shouldAllocateSlotsInOfferOrderAndFreeThem() {
    JobId job = JobId.generate();
    List<SlotId> slots = pool.allocate(job, "a", 3);
    assertThat(slots).containsExactly(new SlotId(tm0, 0), new SlotId(tm0, 1), new SlotId(tm1, 0));
    assertThat(pool.freeSlots()).isEqualTo(1);
    assertThat(pool.totalSlots()).isEqualTo(4);
    assertThat(pool.release(job)).containsExactly(tm0, tm1);
    assertThat(pool.freeSlots()).isEqualTo(4);
    assertThat(pool.release(job)).isEmpty();
  }

  @Test
  void shouldFailWithNeededAndAvailableSlotsWhenTooFewAreFree() {
    JobId first = JobId.generate();
    pool.allocate(first, "first", 3);
    assertThatThrownBy(() -> pool.allocate(JobId.generate(), "second (1234)", 2))
        .isInstanceOf(NoResourceAvailableException.class)
        .hasMessageContaining("second (1234)")
        .hasMessageContaining("needs 2 task slots")
        .hasMessageContaining("only 1 of 4 slots are free");
    assertThat(pool.freeSlots()).as("nothing taken on failure").isEqualTo(1);
  }

  @Test
  void shouldRejectSlotsOfUnregisteredTaskManagers() {
    TaskManagerId stranger = new TaskManagerId("stranger");
    assertThatThrownBy(() -> pool.offerSlots(stranger, List.of(new SlotId(stranger, 0))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("stranger");
  }
}
