package dev.sluice.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.cluster.client.JobClient;
import dev.sluice.engine.cluster.client.JobResult;
import dev.sluice.engine.cluster.client.JobStatus;
import dev.sluice.engine.graph.JobId;
import dev.sluice.engine.graph.VertexId;
import dev.sluice.engine.task.TaskFailureException;
import dev.sluice.runner.translation.metrics.MetricsAccumulator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult.State;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.util.UserCodeException;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

class SluicePipelineResultTest {

  /** A job handle the test completes by hand. */
  private static final class FakeJobClient implements JobClient {
    final JobId id = JobId.generate();
    final CompletableFuture<JobResult> result = new CompletableFuture<>();
    volatile JobStatus status = JobStatus.RUNNING;
    volatile Map<String, Accumulator<?>> accumulators = Map.of();
    volatile boolean cancelRequested;

    @Override public JobId jobId() { return id; }
    @Override public JobStatus status() { return status; }
    @Override public CompletableFuture<JobResult> resultFuture() { return result; }
    @Override public void cancel() { cancelRequested = true; status = JobStatus.CANCELLING; }
    @Override public Map<String, Accumulator<?>> accumulators() { return accumulators; }

    void end(JobStatus finalStatus, Throwable cause) {
      status = finalStatus;
      result.complete(new JobResult(id, finalStatus, cause, accumulators));
    }
  }

  /** Records when the result closes the cluster. */
  private static final class FakeCluster implements AutoCloseable {
    final CountDownLatch closed = new CountDownLatch(1);

    @Override public void close() { closed.countDown(); }
  }

  private final FakeJobClient client = new FakeJobClient();
  private final FakeCluster cluster = new FakeCluster();
  private final SluicePipelineResult result = new SluicePipelineResult("test-job", client, cluster);

  @Test
  void shouldMapEveryJobStatusToABeamState() {
    assertThat(SluicePipelineResult.toState(JobStatus.CREATED)).isEqualTo(State.RUNNING);
    assertThat(SluicePipelineResult.toState(JobStatus.RUNNING)).isEqualTo(State.RUNNING);
    assertThat(SluicePipelineResult.toState(JobStatus.FAILING)).isEqualTo(State.RUNNING);
    assertThat(SluicePipelineResult.toState(JobStatus.CANCELLING)).isEqualTo(State.RUNNING);
    assertThat(SluicePipelineResult.toState(JobStatus.FAILED)).isEqualTo(State.FAILED);
    assertThat(SluicePipelineResult.toState(JobStatus.CANCELED)).isEqualTo(State.CANCELLED);
    assertThat(SluicePipelineResult.toState(JobStatus.FINISHED)).isEqualTo(State.DONE);
  }

  @Test
  void shouldReturnNullWhenTheJobOutlastsTheTimeout() {
    assertThat(result.getState()).isEqualTo(State.RUNNING);
    assertThat(result.waitUntilFinish(Duration.millis(20))).isNull();
    assertThat(cluster.closed.getCount()).isEqualTo(1);
  }

  @Test
  void shouldCloseTheClusterBeforeReportingTheEnd() throws Exception {
    client.end(JobStatus.FINISHED, null);

    assertThat(result.waitUntilFinish()).isEqualTo(State.DONE);
    assertThat(cluster.closed.await(0, TimeUnit.SECONDS)).isTrue();
    assertThat(result.getState()).isEqualTo(State.DONE);
  }

  @Test
  void shouldCloseTheClusterEvenIfNobodyWaits() throws Exception {
    client.end(JobStatus.FINISHED, null);

    assertThat(cluster.closed.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void shouldCancelAndReportCancelled() throws Exception {
    assertThat(result.cancel()).isEqualTo(State.RUNNING);
    assertThat(client.cancelRequested).isTrue();

    client.end(JobStatus.CANCELED, null);

    assertThat(result.waitUntilFinish(Duration.standardSeconds(10))).isEqualTo(State.CANCELLED);
  }

  @Test
  void shouldThrowTheUsersExceptionUnwrappedFromUserCodeException() {
    IllegalStateException userError = new IllegalStateException("bad record 42");
    client.end(JobStatus.FAILED, UserCodeException.wrap(userError));

    assertThatThrownBy(result::waitUntilFinish)
        .isInstanceOf(Pipeline.PipelineExecutionException.class)
        .hasCause(userError)
        .hasMessageContaining("bad record 42");
    assertThat(result.getState()).isEqualTo(State.FAILED);
  }

  @Test
  void shouldThrowTheUsersExceptionNamingTheFailedTask() {
    IllegalStateException userError = new IllegalStateException("bad record 42");
    JobId jobId = client.id;
    client.end(JobStatus.FAILED, new TaskFailureException(
        jobId, "test-job", new VertexId(1), 2, "ParDo(Parse) -> ParDo(Check) (3/4)#0", "ParDo(Check)",
        UserCodeException.wrap(userError)));

    assertThatThrownBy(result::waitUntilFinish)
        .isInstanceOf(Pipeline.PipelineExecutionException.class)
        .hasCause(userError)
        .hasMessage("Transform 'ParDo(Check)' failed in task 'ParDo(Parse) -> ParDo(Check) (3/4)#0' of job test-job ("
            + jobId + "): java.lang.IllegalStateException: bad record 42");
  }

  @Test
  void shouldReportMetricsLiveAndFinal() {
    MetricsAccumulator live = new MetricsAccumulator();
    live.stepMap().getContainer("Count").getCounter(MetricName.named("ns", "seen")).inc(3);
    client.accumulators = Map.of(MetricsAccumulator.NAME, live);

    assertThat(counter(result.metrics().allMetrics())).isEqualTo(3);

    MetricsAccumulator fin = new MetricsAccumulator();
    fin.stepMap().getContainer("Count").getCounter(MetricName.named("ns", "seen")).inc(10);
    client.accumulators = Map.of(MetricsAccumulator.NAME, fin);
    client.end(JobStatus.FINISHED, null);
    result.waitUntilFinish();

    assertThat(counter(result.metrics().queryMetrics(MetricsFilter.builder().build()))).isEqualTo(10);
    assertThat(result.metrics().allMetrics().getCounters().iterator().next().getCommitted())
        .as("a finished job ran every bundle exactly once: committed = attempted")
        .isEqualTo(10L);
  }

  @Test
  void shouldHaveNoCommittedMetricsUnlessTheJobFinished() {
    MetricsAccumulator metrics = new MetricsAccumulator();
    metrics.stepMap().getContainer("Count").getCounter(MetricName.named("ns", "seen")).inc(3);
    client.accumulators = Map.of(MetricsAccumulator.NAME, metrics);

    MetricResult<Long> whileRunning = result.metrics().allMetrics().getCounters().iterator().next();
    assertThatThrownBy(whileRunning::getCommitted).isInstanceOf(UnsupportedOperationException.class);

    client.end(JobStatus.CANCELED, null);
    result.waitUntilFinish();
    MetricResult<Long> cancelled = result.metrics().allMetrics().getCounters().iterator().next();
    assertThat(cancelled.getAttempted()).isEqualTo(3L);
    assertThatThrownBy(cancelled::getCommitted).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void shouldReportNoMetricsWhenTheJobHasNone() {
    assertThat(result.metrics().allMetrics().getCounters()).isEmpty();
  }

  private static long counter(MetricQueryResults results) {
    MetricResult<Long> only = results.getCounters().iterator().next();
    assertThat(only.getName()).isEqualTo(MetricName.named("ns", "seen"));
    assertThat(only.getKey().stepName()).isEqualTo("Count");
    return only.getAttempted();
  }
}
