package dev.sluice.engine.cluster.executiongraph;

import dev.sluice.engine.cluster.client.JobStatus;
import dev.sluice.engine.graph.JobGraph;
import dev.sluice.engine.graph.JobId;
import dev.sluice.engine.graph.JobVertex;
import dev.sluice.engine.task.ExecutionAttemptId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JobManager's view of one job: {@link ExecutionJobVertex} per job vertex,
 * {@link ExecutionVertex} per subtask, {@link Execution} per attempt, plus the job's
 * {@link JobStatus}. Pure bookkeeping: it sends nothing; the scheduler acts on it.
 *
 * <h3>Threading model</h3>
 * Not thread-safe: JobManager main thread only.
 *
 * <h3>Lifecycle</h3>
 * {@link JobStatus}; {@link #transitionTo} enforces {@link JobStatus#canMoveTo}.
 */
public final class ExecutionGraph {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutionGraph.class);

  private final JobGraph jobGraph;
  private final List<ExecutionJobVertex> vertices;
  private final List<Execution> executions;
  private final Map<ExecutionAttemptId, Execution> executionsByAttempt = new HashMap<>();
  private JobStatus status = JobStatus.CREATED;
  /** The first failure; the job's root cause. Set once. */
  private Throwable failureCause;

  public ExecutionGraph(JobGraph jobGraph) {
    this.jobGraph = jobGraph;
    List<ExecutionJobVertex> vs = new ArrayList<>();
    List<Execution> es = new ArrayList<>();
    for (JobVertex v : jobGraph.vertices()) {
      ExecutionJobVertex ejv = new ExecutionJobVertex(this, v);
      vs.add(ejv);
      for (ExecutionVertex ev : ejv.subtasks()) {
        es.add(ev.currentExecution());
        executionsByAttempt.put(ev.currentExecution().attemptId(), ev.currentExecution());
      }
    }
    this.vertices = List.copyOf(vs);
    this.executions = List.copyOf(es);
  }

  public JobId jobId() {
    return jobGraph.jobId();
  }

  public JobGraph jobGraph() {
    return jobGraph;
  }

  public List<ExecutionJobVertex> vertices() {
    return vertices;
  }

  /** The current attempt of every subtask, vertex by vertex. */
  public List<Execution> executions() {
    return executions;
  }

  /** The execution with this attempt id, or null if it is not (or no longer) part of the graph. */
  public Execution execution(ExecutionAttemptId attempt) {
    return executionsByAttempt.get(attempt);
  }

  /** Slots the job needs with slot sharing: one slot holds one subtask of every vertex. */
  public int requiredSlots() {
    int max = 0;
    for (ExecutionJobVertex v : vertices) {
      max = Math.max(max, v.parallelism());
    }
    return max;
  }

  public boolean allExecutionsTerminal() {
    for (Execution e : executions) {
      if (!e.state().isTerminal()) {
        return false;
      }
    }
    return true;
  }

  public JobStatus status() {
    return status;
  }

  /** @throws IllegalStateException if {@link JobStatus#canMoveTo} forbids it (a bug) */
  public void transitionTo(JobStatus next) {
    if (!status.canMoveTo(next)) {
      throw new IllegalStateException("Illegal state " + status + " while moving job " + describe() + " to " + next);
    }
    if (next == JobStatus.FAILED) {
      LOG.error("Job {} switched from {} to {}", describe(), status, next, failureCause);
    } else {
      LOG.info("Job {} switched from {} to {}", describe(), status, next);
    }
    status = next;
  }

  public Throwable failureCause() {
    return failureCause;
  }

  /** Records the root cause; later failures are ignored (they are usually consequences). */
  public void recordFailure(Throwable cause) {
    if (failureCause == null) {
      failureCause = cause;
    }
  }

  /** Replaces a root cause found to be a consequence of {@code cause}; the old one is kept as suppressed. */
  public void replaceFailure(Throwable cause) {
    if (failureCause != null && failureCause != cause) {
      cause.addSuppressed(failureCause);
    }
    failureCause = cause;
  }

  /** e.g. {@code "WordCount (1a2b3c4d)"}. */
  public String describe() {
    return jobGraph.name() + " (" + jobGraph.jobId() + ")";
  }
}
