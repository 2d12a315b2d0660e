package dev.sluice.engine.cluster.jobmanager;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.cluster.client.JobClient;
import dev.sluice.engine.cluster.client.JobResult;
import dev.sluice.engine.cluster.executiongraph.ExecutionGraph;
import dev.sluice.engine.cluster.rpc.EndpointExecutors;
import dev.sluice.engine.cluster.rpc.JobManagerGateway;
import dev.sluice.engine.cluster.rpc.SlotId;
import dev.sluice.engine.cluster.rpc.TaskManagerGateway;
import dev.sluice.engine.cluster.rpc.TaskManagerId;
import dev.sluice.engine.graph.JobGraph;
import dev.sluice.engine.graph.JobId;
import dev.sluice.engine.task.ExecutionAttemptId;
import dev.sluice.engine.task.ExecutionState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Accepts jobs, keeps the registered TaskManagers and their slots ({@link SlotPool}), and runs
 * each job with its own {@link Scheduler} over an {@link ExecutionGraph}.
 *
 * <p>Submission copies the job graph through Java serialization with the job's user class
 * loader ({@link JobGraphCopier}), so local mode exercises the path a remote cluster takes.
 * When a job ends the JobManager frees its slots, tells the TaskManagers to free theirs, calls
 * the job-release hook (the MiniCluster releases the job's shuffle partitions there), and only
 * then completes the client's result future.
 *
 * <h3>Threading model</h3>
 * All state is confined to one main thread ({@code sluice-jobmanager}); every public method
 * only enqueues work there and returns a future, so callers (TaskManagers, clients) never run
 * JobManager code on their own thread and never re-enter each other's locks. Log lines about a
 * job carry its id in the MDC key {@code jobId}.
 *
 * <h3>Lifecycle</h3>
 * {@code new} (main thread starts) -> jobs and TaskManagers come and go -> {@link #close()}
 * (callers cancel jobs first with {@link #cancelAllJobs()}; close stops the main thread).
 */
public final class JobManager implements JobManagerGateway, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JobManager.class);
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
  /** How long a job whose first failure was only a lost input waits for the root cause (see Scheduler). */
  private static final Duration CONSEQUENCE_GRACE_PERIOD = Duration.ofMillis(500);

  private final ScheduledExecutorService mainThread;
  private final Duration accumulatorTimeout;
  private final Consumer<JobId> jobReleaseHook;
  /** Main thread only. */
  private final SlotPool slotPool = new SlotPool();
  /** Running jobs, until their result future completed. Main thread only. */
  private final Map<JobId, RunningJob> jobs = new LinkedHashMap<>();
  /** Last heartbeat per TaskManager (System.nanoTime). Main thread only. */
  private final Map<TaskManagerId, Long> lastHeartbeat = new HashMap<>();

  /**
   * @param accumulatorTimeout how long a live accumulator request waits for a TaskManager
   * @param jobReleaseHook called on the main thread once all tasks of an ended job stopped
   */
  public JobManager(Duration accumulatorTimeout, Consumer<JobId> jobReleaseHook) {
    this.mainThread = EndpointExecutors.newMainThread("sluice-jobmanager");
    this.accumulatorTimeout = accumulatorTimeout;
    this.jobReleaseHook = jobReleaseHook;
  }

  // ---------------------------------------------------------------- client side

  /**
   * Submits a job; it is copied here (on the caller's thread) and scheduled on the main thread.
   *
   * @throws IllegalArgumentException if the graph does not survive serialization
   */
  public JobClient submitJob(JobGraph jobGraph, ClassLoader userClassLoader) {
    JobGraph copy = JobGraphCopier.copy(jobGraph, userClassLoader);
    LocalJobClient client = new LocalJobClient(copy.jobId(), this, accumulatorTimeout);
    runAsync(() -> {
      if (jobs.containsKey(copy.jobId())) {
        throw new IllegalStateException("Job " + copy.name() + " (" + copy.jobId() + ") was already submitted");
      }
      ExecutionGraph graph = new ExecutionGraph(copy);
      Scheduler scheduler = new Scheduler(graph, slotPool, mainThread, accumulatorTimeout, client::updateStatus,
          this::onJobTerminated, CONSEQUENCE_GRACE_PERIOD);
      jobs.put(copy.jobId(), new RunningJob(scheduler, client));
      LOG.info("Received job {} with {} vertices, needing {} slots", graph.describe(), copy.vertices().size(),
          graph.requiredSlots());
      try {
        withJob(copy.jobId(), scheduler::start);
      } catch (RuntimeException e) {
        // A bug, not a job failure: forget the job so its slots are not lost for good.
        LOG.error("Could not schedule job {}", graph.describe(), e);
        jobs.remove(copy.jobId());
        slotPool.release(copy.jobId());
        throw e;
      }
      return null;
    }).whenComplete((v, e) -> {
      if (e != null) {
        client.complete(new JobResult(copy.jobId(), dev.sluice.engine.cluster.client.JobStatus.FAILED, e, Map.of()));
      }
    });
    return client;
  }

  public CompletableFuture<Void> cancelJob(JobId jobId) {
    return runAsync(() -> {
      RunningJob job = jobs.get(jobId);
      if (job == null) {
        LOG.info("Ignoring cancel of job {}: it is not running", jobId);
      } else {
        withJob(jobId, job.scheduler::cancel);
      }
      return null;
    });
  }

  /**
   * Drains a running streaming job: its sources stop reading and end, the rest finishes what is
   * pending, and the job ends FINISHED. A job that is not running (any more) is left alone.
   */
  public CompletableFuture<Void> drainJob(JobId jobId) {
    return runAsync(() -> {
      RunningJob job = jobs.get(jobId);
      if (job == null) {
        LOG.info("Ignoring drain of job {}: it is not running", jobId);
      } else {
        withJob(jobId, job.scheduler::drain);
      }
      return null;
    });
  }

  /** Cancels every running job; completes when all of them ended. */
  public CompletableFuture<Void> cancelAllJobs() {
    return EndpointExecutors.callAsync(mainThread, () -> {
      List<CompletableFuture<JobResult>> results = new ArrayList<>();
      for (Map.Entry<JobId, RunningJob> e : List.copyOf(jobs.entrySet())) {
        results.add(e.getValue().client.resultFuture());
        withJob(e.getKey(), e.getValue().scheduler::cancel);
      }
      return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new));
    });
  }

  public CompletableFuture<Map<String, Accumulator<?>>> requestJobAccumulators(JobId jobId) {
    return EndpointExecutors.callAsync(mainThread, () -> {
      RunningJob job = jobs.get(jobId);
      if (job == null) {
        return CompletableFuture.failedFuture(new IllegalStateException("Job " + jobId + " is not running"));
      }
      return job.scheduler.requestAccumulators();
    });
  }

  // ---------------------------------------------------------------- JobManagerGateway

  @Override
  public CompletableFuture<Void> registerTaskManager(TaskManagerId taskManager, TaskManagerGateway gateway) {
    return runAsync(() -> {
      slotPool.registerTaskManager(taskManager, gateway);
      lastHeartbeat.put(taskManager, System.nanoTime());
      LOG.info("Registered task manager {}", taskManager);
      return null;
    });
  }

  @Override
  public CompletableFuture<Void> offerSlots(TaskManagerId taskManager, Collection<SlotId> slots) {
    return runAsync(() -> {
      slotPool.offerSlots(taskManager, slots);
      LOG.info("Task manager {} offered {} slots; {} of {} slots are free", taskManager, slots.size(),
          slotPool.freeSlots(), slotPool.totalSlots());
      return null;
    });
  }

  @Override
  public CompletableFuture<Void> updateTaskExecutionState(
      ExecutionAttemptId attempt, ExecutionState state, Throwable cause, Map<String, Accumulator<?>> accumulators) {
    return runAsync(() -> {
      RunningJob job = jobs.get(attempt.job());
      if (job == null) {
        LOG.debug("Ignoring state {} of task {}: its job is not running", state, attempt);
      } else {
        withJob(attempt.job(), () -> job.scheduler.updateTaskExecutionState(attempt, state, cause, accumulators));
      }
      return null;
    });
  }

  @Override
  public CompletableFuture<Void> heartbeat(TaskManagerId taskManager) {
    // Recorded only; detecting a lost TaskManager comes with the multi-process cluster.
    return runAsync(() -> {
      lastHeartbeat.put(taskManager, System.nanoTime());
      return null;
    });
  }

  // ---------------------------------------------------------------- internals

  /** Main thread: the scheduler reached a terminal job status. */
  private void onJobTerminated(Scheduler scheduler) {
    ExecutionGraph graph = scheduler.graph();
    JobId jobId = graph.jobId();
    JobResult result = new JobResult(jobId, graph.status(), graph.failureCause(), scheduler.mergedAccumulators(Map.of()));
    Set<TaskManagerId> holders = slotPool.release(jobId);
    List<CompletableFuture<Void>> freed = new ArrayList<>();
    for (TaskManagerId tm : holders) {
      freed.add(slotPool.gateway(tm).freeSlots(jobId).exceptionally(e -> {
        LOG.warn("Task manager {} could not free the slots of job {}", tm, graph.describe(), e);
        return null;
      }));
    }
    CompletableFuture.allOf(freed.toArray(CompletableFuture[]::new)).whenCompleteAsync((v, e) -> withJob(jobId, () -> {
      RunningJob job = jobs.remove(jobId);
      try {
        jobReleaseHook.accept(jobId);
      } catch (RuntimeException hookFailure) {
        // The job's outcome is decided; a cleanup failure must not hide it.
        LOG.warn("Releasing the resources of job {} failed", graph.describe(), hookFailure);
      }
      LOG.info("Job {} ended {}; its slots are free", graph.describe(), result.status());
      if (job != null) {
        job.client.complete(result);
      }
    }), mainThread);
  }

  private <T> CompletableFuture<T> runAsync(Supplier<T> action) {
    return EndpointExecutors.callAsync(mainThread, () -> CompletableFuture.completedFuture(action.get()));
  }

  private static void withJob(JobId jobId, Runnable action) {
    try (MDC.MDCCloseable ignored = MDC.putCloseable("jobId", jobId.toString())) {
      action.run();
    }
  }

  /** Stops the main thread. Jobs still running are abandoned: cancel them first. */
  @Override
  public void close() {
    EndpointExecutors.shutdownAndAwait(mainThread, "JobManager main thread", SHUTDOWN_TIMEOUT);
  }

  private record RunningJob(Scheduler scheduler, LocalJobClient client) {}
}
