package dev.sluice.engine.task;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.api.ProcessingTimeService;
import dev.sluice.engine.api.SourceOperator;
import dev.sluice.engine.graph.JobConfig;
import dev.sluice.engine.graph.JobEdge;
import dev.sluice.engine.graph.JobGraph;
import dev.sluice.engine.graph.JobVertex;
import dev.sluice.engine.graph.Partitioning;
import dev.sluice.engine.network.InputGate;
import dev.sluice.engine.network.ResultPartitionId;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one subtask: its operator chain, its input gate and its output partitions, on one
 * thread driven by a mailbox.
 *
 * <h3>Threading model</h3>
 * {@link #start()} creates the task thread (named after the task, MDC {@code jobId} and
 * {@code task} set), which owns the operators: every operator call, timer callback and buffer
 * flush runs on it, through the {@link TaskMailbox}. {@link #cancel()}, {@link #state()} and
 * {@link #accumulatorSnapshot()} may be called from any thread.
 *
 * <h3>Lifecycle</h3>
 * See {@link ExecutionState}: CREATED -> DEPLOYING (operators created, output partitions
 * registered, operators opened tail first, input subpartitions requested) -> RUNNING ->
 * FINISHED, or CANCELED / FAILED. Every transition is reported to the {@link TaskListener}; the
 * terminal one is the last call, made after all resources of the task (thread excepted, which
 * ends right after) are released. All transitions are reported from the task thread, except
 * CANCELING (and CANCELED of a task that never started), which {@link #cancel()} reports on the
 * calling thread.
 *
 * <h3>Failure</h3>
 * Any exception on the task thread closes all operators, releases the output partitions (their
 * consumers fail in turn) and ends the task FAILED with a {@link TaskFailureException} whose
 * cause is the operator's own exception.
 */
public final class Task {

  private static final Logger LOG = LoggerFactory.getLogger(Task.class);
  /** Grace period before, and period between, interrupts of a canceled task's thread. */
  static final long CANCEL_INTERRUPT_PERIOD_MILLIS = 500;

  private final TaskDeploymentDescriptor descriptor;
  private final TaskEnvironment environment;
  private final TaskListener listener;
  private final String taskName;
  private final TaskMailbox mailbox = new TaskMailbox();
  private final AtomicReference<ExecutionState> state = new AtomicReference<>(ExecutionState.CREATED);
  /** Written by the task thread, copied from any thread. */
  private final Map<String, Accumulator<?>> accumulators = new ConcurrentHashMap<>();
  private final Services services = new Services();
  private volatile boolean canceled;
  /** FINISHED, FAILED or CANCELED once decided; the first to decide wins. */
  private final AtomicReference<ExecutionState> outcome = new AtomicReference<>();
  private volatile Thread thread;
  /** Set once deployed; read by cancel to release partitions. */
  private volatile OperatorChain chain;
  private volatile MailboxProcessor processor;
  /** Interrupts the task thread while a cancel is pending; stopped when the task ended. */
  private volatile ScheduledFuture<?> interrupter;
  // Task thread only:
  private TaskProcessingTimeService timeService;
  /** Null unless the job runs on synthetic processing time; then what operators see. */
  private SyntheticProcessingTimeService syntheticTime;
  private InputGate gate;
  private File tempDirectory;
  private boolean finishedNormally;

  public Task(TaskDeploymentDescriptor descriptor, TaskEnvironment environment, TaskListener listener) {
    this.descriptor = descriptor;
    this.environment = environment;
    this.listener = listener;
    this.taskName = descriptor.taskName();
  }

  public ExecutionAttemptId attemptId() {
    return descriptor.attemptId();
  }

  /** Starts the task thread. Does nothing if the task was canceled before it started. */
  public synchronized void start() {
    if (state.get() != ExecutionState.CREATED || thread != null) {
      if (state.get() == ExecutionState.CANCELED) {
        return;
      }
      throw new IllegalStateException("Task " + taskName + " was already started (state " + state.get() + ")");
    }
    Thread t = new Thread(this::run, taskName);
    thread = t;
    environment.taskStarted(this);
    t.start();
  }

  /**
   * Asks the task to stop; returns at once. Wakes the task thread wherever it waits (for mail,
   * input, a source's availability, or a free output buffer). The listener hears CANCELED when
   * it stopped.
   */
  public void cancel() {
    // The first of cancel, failure and normal end decides the outcome; a later cancel is a no-op
    // (a failing task must not turn CANCELED because its failure made the job cancel it).
    if (!outcome.compareAndSet(null, ExecutionState.CANCELED)) {
      return;
    }
    canceled = true;
    if (cancelBeforeStart()) {
      return;
    }
    ExecutionState s;
    do {
      s = state.get();
      if (s.isTerminal()) {
        return;
      }
    } while (!state.compareAndSet(s, ExecutionState.CANCELING));
    LOG.info("Task {} switched from {} to {}", taskName, s, ExecutionState.CANCELING);
    notifyListener(ExecutionState.CANCELING, null);
    MailboxProcessor p = processor;
    if (p != null) {
      p.stop();
    }
    mailbox.signal();
    OperatorChain c = chain;
    if (c != null) {
      // Wakes the task thread if it is blocked waiting for a free output buffer.
      c.abortWriters();
    }
    scheduleInterrupts();
  }

  /**
   * User code may block where no mail reaches it (a sleeping DoFn, a blocking client call).
   * After a grace period the task thread is interrupted, and again every period until the task
   * ended, so that cancellation finishes within seconds.
   */
  private void scheduleInterrupts() {
    Thread t = thread;
    if (t == null) {
      return;
    }
    interrupter = environment.timerThread().scheduleAtFixedRate(() -> {
      if (state.get().isTerminal() || !t.isAlive()) {
        // Ends the periodic run even if the task ended before 'interrupter' was assigned.
        throw new CancellationException("task " + taskName + " ended");
      }
      if (state.get() == ExecutionState.CANCELING) {
        LOG.info("Interrupting task {}, which has not stopped since it was canceled", taskName);
        t.interrupt();
      }
    }, CANCEL_INTERRUPT_PERIOD_MILLIS);
  }

  /** A task that was never started ends CANCELED right here; false if it has started. */
  private synchronized boolean cancelBeforeStart() {
    if (thread != null || !state.compareAndSet(ExecutionState.CREATED, ExecutionState.CANCELED)) {
      return false;
    }
    LOG.info("Task {} switched from {} to {}", taskName, ExecutionState.CREATED, ExecutionState.CANCELED);
    notifyListener(ExecutionState.CANCELED, null);
    return true;
  }

  public ExecutionState state() {
    return state.get();
  }

  /** Copies of the task's accumulators now. */
  public Map<String, Accumulator<?>> accumulatorSnapshot() {
    Map<String, Accumulator<?>> copy = new HashMap<>();
    for (Map.Entry<String, Accumulator<?>> e : accumulators.entrySet()) {
      copy.put(e.getKey(), e.getValue().copy());
    }
    return copy;
  }

  /** Waits for the task thread to end; true if it ended (or never started). */
  public boolean awaitTermination(long timeoutMillis) throws InterruptedException {
    Thread t = thread;
    if (t == null) {
      return state.get().isTerminal();
    }
    t.join(timeoutMillis);
    return !t.isAlive();
  }

  private void run() {
    MDC.put("jobId", String.valueOf(descriptor.jobGraph().jobId()));
    MDC.put("task", taskName);
    Thread.currentThread().setContextClassLoader(environment.userClassLoader());
    Throwable failure = null;
    try {
      moveTo(ExecutionState.DEPLOYING);
      deploy();
      moveTo(ExecutionState.RUNNING);
      processor.runLoop();
      if (!finishedNormally) {
        throw new CancelTaskException();
      }
    } catch (Throwable t) {
      failure = t;
    }
    if (failure == null) {
      outcome.compareAndSet(null, ExecutionState.FINISHED);
    } else if (!(failure instanceof CancelTaskException)) {
      outcome.compareAndSet(null, ExecutionState.FAILED);
    }
    ExecutionState result = outcome.get() == null ? ExecutionState.CANCELED : outcome.get();
    try {
      Throwable closeFailure = releaseResources(result);
      if (result == ExecutionState.FINISHED && closeFailure != null) {
        result = ExecutionState.FAILED;
        failure = closeFailure;
        releaseOutputs();
      }
    } catch (Throwable t) {
      LOG.warn("Releasing the resources of task {} failed", taskName, t);
    }
    ScheduledFuture<?> i = interrupter;
    if (i != null) {
      i.cancel(false);
    }
    // An interrupt meant for blocked user code must not leak into the reporting below.
    Thread.interrupted();
    reportTerminalState(result, failure);
    environment.taskEnded(this);
    MDC.clear();
  }

  private void deploy() throws Exception {
    JobGraph graph = descriptor.jobGraph();
    JobVertex vertex = descriptor.vertex();
    timeService = new TaskProcessingTimeService(environment.timerThread(), mailbox);
    if (JobConfig.syntheticProcessingTime(graph.config())) {
      syntheticTime = new SyntheticProcessingTimeService(mailbox, JobConfig.getLong(graph.config(),
          JobConfig.SYNTHETIC_PROCESSING_TIME_START, JobConfig.DEFAULT_SYNTHETIC_PROCESSING_TIME_START));
    }
    long bufferTimeout = JobConfig.getLong(graph.config(), JobConfig.BUFFER_TIMEOUT_MS, JobConfig.DEFAULT_BUFFER_TIMEOUT_MS);
    chain = new OperatorChain(descriptor, environment.shuffle(), bufferTimeout == 0);
    checkNotCanceled();
    MailboxProcessor.DefaultAction action;
    StreamInputProcessor inputProcessor = null;
    if (vertex.isSource()) {
      if (!(chain.head() instanceof SourceOperator source)) {
        throw new IllegalStateException("Vertex " + vertex.name() + " has no inputs, but its head operator "
            + chain.name(0) + " (" + chain.head().getClass().getName() + ") is not a SourceOperator");
      }
      action = new SourceInputProcessor(source, chain.headOutput(), mailbox, this::endOfInput);
    } else {
      gate = environment.shuffle().createInputGate(mailbox::signal);
      int[] channelsPerInput = createInputChannels(graph, vertex);
      inputProcessor = new StreamInputProcessor(gate, chain.head(), channelsPerInput, this::endOfInput, chain.streamStatus());
      action = inputProcessor;
    }
    chain.setProcessingTimeHandler(this::advanceProcessingTime);
    if (inputProcessor != null) {
      inputProcessor.setProcessingTimeHandler(this::advanceProcessingTime);
      OperatorChain c = chain;
      inputProcessor.setBeforeWatermark(c::flushOutputs);
    }
    processor = new MailboxProcessor(mailbox, action);
    chain.open(i -> new TaskOperatorContext(services, descriptor, chain.name(i)));
    if (gate != null) {
      gate.requestPartitions();
    }
    if (bufferTimeout > 0 && chain.hasNetworkOutputs()) {
      OperatorChain c = chain;
      timeService.schedulePeriodic(bufferTimeout, c::flushOutputs, "flush output buffers");
      timeService.setAfterTimer(c::flushOutputs);
    }
    checkNotCanceled();
    if (inputProcessor != null) {
      inputProcessor.start();
    }
  }

  /** One channel per (input edge, producer subtask that sends to this subtask). */
  private int[] createInputChannels(JobGraph graph, JobVertex vertex) {
    int inputs = vertex.head().numberOfInputs();
    int[] channelsPerInput = new int[inputs];
    int me = descriptor.subtaskIndex();
    for (int edgeId : vertex.inputEdges()) {
      JobEdge edge = graph.edge(edgeId);
      int input = edge.targetInput();
      if (input < 0 || input >= inputs) {
        throw new IllegalStateException("Edge " + edgeId + " targets input " + input + " of " + vertex.name()
            + ", which has " + inputs + " inputs");
      }
      boolean forward = edge.partitioning() instanceof Partitioning.Forward;
      int producers = graph.vertex(edge.source()).parallelism();
      for (int p = forward ? me : 0; p < (forward ? me + 1 : producers); p++) {
        gate.addChannel(input, channelsPerInput[input]++, new ResultPartitionId(graph.jobId(), edgeId, p),
            forward ? 0 : me, edge.serializer());
      }
    }
    return channelsPerInput;
  }

  /**
   * Synthetic processing time reached {@code time} (a barrier completed on the inputs, or the
   * source emitted it): fire the due timers of all chained operators, then forward the time, so
   * that consumers get the timers' output first. A wall-clock job only forwards the barrier.
   */
  private void advanceProcessingTime(long time) throws Exception {
    if (syntheticTime != null) {
      syntheticTime.advanceTo(time);
    }
    chain.forwardProcessingTime(time);
  }

  /** All inputs ended (or the source is exhausted): finish operators, then end the partitions. */
  private void endOfInput() throws Exception {
    chain.finishOperators(mailbox, () -> {
      chain.finishPartitions();
      finishedNormally = true;
      processor.stop();
    });
    if (syntheticTime != null && !finishedNormally) {
      advanceSyntheticClockToNextTimer();
    }
  }

  /**
   * Synthetic time, all inputs ended, and an operator still has work after the end of its input
   * (timers it waits for): no barrier will move the clock any more, so it jumps to each next
   * pending timer (and forwards that time) until the work is done.
   */
  private void advanceSyntheticClockToNextTimer() {
    mailbox.put(new TaskMailbox.Mail(() -> {
      long next = syntheticTime.nextTimerTime();
      if (!finishedNormally && next != Long.MAX_VALUE) {
        advanceProcessingTime(next);
        advanceSyntheticClockToNextTimer();
      }
    }, "advance the synthetic clock to the next timer after the end of input"));
  }

  /** Releases everything; returns the first error closing operators threw (already logged). */
  private Throwable releaseResources(ExecutionState result) {
    if (timeService != null) {
      timeService.shutdown();
    }
    if (syntheticTime != null) {
      syntheticTime.shutdown();
    }
    int dropped = mailbox.close();
    if (dropped > 0) {
      LOG.debug("Dropped {} mails of task {} at its end", dropped, taskName);
    }
    Throwable closeFailure = null;
    OperatorChain c = chain;
    if (c != null) {
      closeFailure = c.closeOperators();
      if (result != ExecutionState.FINISHED) {
        releaseOutputs();
      }
    }
    if (gate != null) {
      gate.close();
    }
    deleteTempDirectory();
    return closeFailure;
  }

  private void releaseOutputs() {
    OperatorChain c = chain;
    if (c != null) {
      c.discardOutputs();
      c.releasePartitions();
    }
  }

  private void reportTerminalState(ExecutionState target, Throwable failure) {
    if (target == ExecutionState.CANCELED && failure != null && !(failure instanceof CancelTaskException)) {
      LOG.debug("Task {} failed while being canceled", taskName, failure);
    }
    Throwable cause = target == ExecutionState.FAILED ? TaskFailureException.of(descriptor, failure) : null;
    ExecutionState from;
    do {
      from = state.get();
      if (from.isTerminal()) {
        return;
      }
    } while (!state.compareAndSet(from, target));
    if (target == ExecutionState.FAILED) {
      LOG.error("Task {} switched from {} to {}", taskName, from, target, cause);
    } else {
      LOG.info("Task {} switched from {} to {}", taskName, from, target);
    }
    notifyListener(target, cause);
  }

  private void moveTo(ExecutionState next) {
    ExecutionState from = state.get();
    if (canceled || !from.canMoveTo(next) || !state.compareAndSet(from, next)) {
      throw new CancelTaskException();
    }
    LOG.info("Task {} switched from {} to {}", taskName, from, next);
    notifyListener(next, null);
  }

  private void checkNotCanceled() {
    if (canceled) {
      throw new CancelTaskException();
    }
  }

  private void notifyListener(ExecutionState s, Throwable cause) {
    try {
      listener.stateChanged(descriptor.attemptId(), s, cause, accumulatorSnapshot());
    } catch (Throwable t) {
      // The listener is outside the task's control; it must not change the task's fate.
      LOG.warn("Task listener failed on transition of {} to {}", taskName, s, t);
    }
  }

  private void deleteTempDirectory() {
    File dir = tempDirectory;
    if (dir == null || !dir.exists()) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir.toPath())) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("Could not delete temp directory {} of task {}", dir, taskName, e);
    }
  }

  /** Task-wide services behind each {@link TaskOperatorContext}. */
  final class Services {

    private final Executor mailboxExecutor = command ->
        mailbox.put(new TaskMailbox.Mail(command::run, "mailbox executor command"));

    ClassLoader userClassLoader() {
      return environment.userClassLoader();
    }

    /** What operators see: the synthetic clock if the job has one, else the wall clock. */
    ProcessingTimeService processingTimeService() {
      return syntheticTime != null ? syntheticTime : timeService;
    }

    Executor mailboxExecutor() {
      return mailboxExecutor;
    }

    @SuppressWarnings("unchecked")
    <A extends Accumulator<A>> A accumulator(String name, Supplier<A> factory) {
      return (A) accumulators.computeIfAbsent(name, k -> factory.get());
    }

    /** Created on first use: most operators never spill. Task thread only. */
    File tempDirectory() {
      if (tempDirectory == null) {
        ExecutionAttemptId a = descriptor.attemptId();
        File dir = new File(environment.tempDirectory(),
            "task-" + a.job() + "-" + a.vertex() + "-" + a.subtask() + "-" + a.attempt());
        if (!dir.isDirectory() && !dir.mkdirs()) {
          throw new IllegalStateException("Cannot create temp directory " + dir + " for task " + taskName);
        }
        tempDirectory = dir;
      }
      return tempDirectory;
    }
  }
}
