package dev.sluice.engine.cluster.jobmanager;

import dev.sluice.engine.cluster.rpc.SlotId;
import dev.sluice.engine.cluster.rpc.TaskManagerGateway;
import dev.sluice.engine.cluster.rpc.TaskManagerId;
import dev.sluice.engine.graph.JobId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The task slots TaskManagers offered, and which job holds which. A job takes all the slots it
 * needs at once or none (it never waits for slots, so jobs cannot deadlock on each other).
 * Free slots are handed out in the order they were offered.
 *
 * <h3>Threading model</h3>
 * Not thread-safe: JobManager main thread only.
 */
public final class SlotPool {

  private final Map<TaskManagerId, TaskManagerGateway> taskManagers = new LinkedHashMap<>();
  private final Set<SlotId> freeSlots = new LinkedHashSet<>();
  private final Map<JobId, List<SlotId>> allocated = new HashMap<>();

  public void registerTaskManager(TaskManagerId id, TaskManagerGateway gateway) {
    taskManagers.put(id, gateway);
  }

  public void offerSlots(TaskManagerId id, Collection<SlotId> slots) {
    if (!taskManagers.containsKey(id)) {
      throw new IllegalStateException("Task manager " + id + " offered slots before it registered");
    }
    for (SlotId slot : slots) {
      if (!slot.taskManager().equals(id)) {
        throw new IllegalArgumentException("Task manager " + id + " offered slot " + slot + " of another task manager");
      }
      if (!isAllocated(slot)) {
        freeSlots.add(slot);
      }
    }
  }

  /**
   * Takes {@code count} free slots for {@code job}.
   *
   * @throws NoResourceAvailableException if fewer are free; nothing is taken then
   */
  public List<SlotId> allocate(JobId job, String jobDescription, int count) {
    if (allocated.containsKey(job)) {
      throw new IllegalStateException("Job " + jobDescription + " already holds slots");
    }
    if (count > freeSlots.size()) {
      throw new NoResourceAvailableException("Job " + jobDescription + " needs " + count
          + " task slots (its highest vertex parallelism) but only " + freeSlots.size() + " of " + totalSlots()
          + " slots are free. Lower the job's parallelism or start more task managers or slots.");
    }
    List<SlotId> slots = new ArrayList<>(count);
    Iterator<SlotId> it = freeSlots.iterator();
    while (slots.size() < count) {
      slots.add(it.next());
      it.remove();
    }
    allocated.put(job, slots);
    return slots;
  }

  /** Frees the job's slots; returns the TaskManagers that held any (to be told to free them too). */
  public Set<TaskManagerId> release(JobId job) {
    List<SlotId> slots = allocated.remove(job);
    Set<TaskManagerId> holders = new LinkedHashSet<>();
    if (slots != null) {
      for (SlotId slot : slots) {
        holders.add(slot.taskManager());
        freeSlots.add(slot);
      }
    }
    return holders;
  }

  public TaskManagerGateway gateway(TaskManagerId id) {
    TaskManagerGateway gateway = taskManagers.get(id);
    if (gateway == null) {
      throw new IllegalStateException("Task manager " + id + " is not registered");
    }
    return gateway;
  }

  public int totalSlots() {
    int held = 0;
    for (List<SlotId> slots : allocated.values()) {
      held += slots.size();
    }
    return held + freeSlots.size();
  }

  public int freeSlots() {
    return freeSlots.size();
  }

  private boolean isAllocated(SlotId slot) {
    for (List<SlotId> slots : allocated.values()) {
      if (slots.contains(slot)) {
        return true;
      }
    }
    return false;
  }
}
