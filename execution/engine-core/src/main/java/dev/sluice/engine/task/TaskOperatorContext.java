package dev.sluice.engine.task;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.api.KeyGroupRange;
import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.ProcessingTimeService;
import dev.sluice.engine.graph.JobConfig;
import dev.sluice.engine.graph.JobId;
import java.io.File;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/** The {@link OperatorContext} of one chain node; task-wide services come from the {@link Task}. */
final class TaskOperatorContext implements OperatorContext {

  private final Task.Services task;
  private final TaskDeploymentDescriptor tdd;
  private final String operatorName;
  private final KeyGroupRange keyGroupRange;

  TaskOperatorContext(Task.Services task, TaskDeploymentDescriptor tdd, String operatorName) {
    this.task = task;
    this.tdd = tdd;
    this.operatorName = operatorName;
    this.keyGroupRange = KeyGroupRange.forSubtask(maxParallelism(), parallelism(), subtaskIndex());
  }

  @Override
  public JobId jobId() {
    return tdd.jobGraph().jobId();
  }

  @Override
  public String jobName() {
    return tdd.jobGraph().name();
  }

  @Override
  public String operatorName() {
    return operatorName;
  }

  @Override
  public String taskName() {
    return tdd.taskName();
  }

  @Override
  public int subtaskIndex() {
    return tdd.subtaskIndex();
  }

  @Override
  public int parallelism() {
    return tdd.vertex().parallelism();
  }

  @Override
  public int maxParallelism() {
    return tdd.vertex().maxParallelism();
  }

  @Override
  public KeyGroupRange keyGroupRange() {
    return keyGroupRange;
  }

  @Override
  public ClassLoader userClassLoader() {
    return task.userClassLoader();
  }

  @Override
  public ProcessingTimeService processingTimeService() {
    return task.processingTimeService();
  }

  @Override
  public Executor mailbox() {
    return task.mailboxExecutor();
  }

  @Override
  public <A extends Accumulator<A>> A accumulator(String name, Supplier<A> factory) {
    return task.accumulator(name, factory);
  }

  @Override
  public File tempDirectory() {
    return task.tempDirectory();
  }

  @Override
  public long managedMemoryBytes() {
    return JobConfig.getLong(tdd.jobGraph().config(), JobConfig.MANAGED_MEMORY_PER_OPERATOR,
        JobConfig.DEFAULT_MANAGED_MEMORY_PER_OPERATOR);
  }
}
