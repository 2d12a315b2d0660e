package dev.sluice.engine.cluster.minicluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.cluster.client.JobClient;
import dev.sluice.engine.cluster.client.JobResult;
import dev.sluice.engine.cluster.client.JobStatus;
import dev.sluice.engine.cluster.testutil.Await;
import dev.sluice.engine.cluster.testutil.LongSum;
import dev.sluice.engine.cluster.testutil.Threads;
import dev.sluice.engine.task.TaskFailureException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** MiniCluster with the engine's real tasks: source -> map -> HASH keyed sum -> sink. */
class MiniClusterTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static JobResult run(MiniCluster cluster, String testId, int parallelism, long count, int keys, long failAfter)
      throws Exception {
    JobClient client = cluster.submitJob(TestPipelines.sumByKey(testId, parallelism, count, keys, failAfter));
    return client.resultFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private static long sum(Map<String, Accumulator<?>> accumulators, String name) {
    Accumulator<?> a = accumulators.get(name);
    return a == null ? 0 : ((LongSum) a).get();
  }

  @ParameterizedTest(name = "{0} task managers x {1} slots, parallelism {2}")
  @CsvSource({"1, 1, 1", "1, 2, 2", "1, 4, 4", "2, 2, 4", "2, 1, 2"})
  void shouldComputeCorrectResults(int taskManagers, int slots, int parallelism) throws Exception {
    String testId = "sum-" + taskManagers + "x" + slots + "p" + parallelism;
    try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration(taskManagers, slots))) {
      cluster.start();
      JobResult result = run(cluster, testId, parallelism, 10_000, 7, -1);
      assertThat(result.failureCause()).isNull();
      assertThat(result.status()).isEqualTo(JobStatus.FINISHED);
      assertThat(TestPipelines.RESULTS.get(testId)).isEqualTo(TestPipelines.expectedSums(10_000, 7));
      assertThat(sum(result.accumulators(), "emitted")).isEqualTo(10_000);
      assertThat(sum(result.accumulators(), "summed")).isEqualTo(10_000);
    }
  }

  @Test
  void shouldFailTheJobWithTheFailingSubtaskAsRootCause() throws Exception {
    try (MiniCluster cluster = new MiniCluster(MiniClusterConfiguration.forParallelism(2))) {
      cluster.start();
      JobResult result = run(cluster, "failing", 2, 100_000, 3, 50);
      assertThat(result.status()).isEqualTo(JobStatus.FAILED);
      assertThat(result.failureCause()).isInstanceOf(TaskFailureException.class).hasMessageContaining("times ten").hasMessageContaining("(2/2)")
          .hasMessageContaining(result.jobId().toString())
          .hasRootCauseMessage("test failure in map after 50 records");
    }
  }

  @Test
  void shouldCancelAnInfiniteJobAndMergeLiveAccumulators() throws Exception {
    try (MiniCluster cluster = new MiniCluster(MiniClusterConfiguration.forParallelism(2))) {
      cluster.start();
      JobClient client = cluster.submitJob(TestPipelines.sumByKey("infinite", 2, -1, 5, -1));
      // live accumulators grow while the job runs, and cover both source subtasks
      Await.until(() -> sum(client.accumulators(), "emitted") > 10_000, TIMEOUT, "sources emitted 10000 records");
      Await.until(() -> sum(client.accumulators(), "summed") > 1_000, TIMEOUT, "sums received 1000 records");
      long liveSummed = sum(client.accumulators(), "summed");
      assertThat(client.status()).isEqualTo(JobStatus.RUNNING);
      client.cancel();
      JobResult result = client.resultFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertThat(result.status()).isEqualTo(JobStatus.CANCELED);
      // final accumulators of cancelled tasks count too
      assertThat(sum(result.accumulators(), "emitted")).isGreaterThan(10_000);
      assertThat(sum(result.accumulators(), "summed")).isGreaterThanOrEqualTo(liveSummed);
    }
  }

  @Test
  void shouldCancelRunningJobsOnCloseAndLeaveNoThreadOrDirectory() throws Exception {
    Set<Thread> before = Threads.live();
    MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration(2, 2));
    cluster.start();
    java.nio.file.Path temp = cluster.tempDirectory();
    JobClient client = cluster.submitJob(TestPipelines.sumByKey("closed-while-running", 4, -1, 5, -1));
    Await.until(() -> sum(client.accumulators(), "summed") > 1000, TIMEOUT, "records reached the sums");
    cluster.close();
    assertThat(client.resultFuture()).isCompleted();
    assertThat(client.resultFuture().join().status()).isEqualTo(JobStatus.CANCELED);
    assertThat(temp).doesNotExist();
    Threads.awaitNoThreadsBeyond(before, Duration.ofSeconds(10));
  }

  @Test
  void shouldFailFastWithoutEnoughSlots() throws Exception {
    try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration(2, 1))) {
      cluster.start();
      JobResult result = run(cluster, "too-big", 3, 10, 2, -1);
      assertThat(result.status()).isEqualTo(JobStatus.FAILED);
      assertThat(result.failureCause()).hasMessageContaining("needs 3 task slots").hasMessageContaining("only 2 of 2");
    }
  }

  @Test
  void shouldLeaveNoThreadsAfterFiftyJobs() throws Exception {
    Set<Thread> before = Threads.live();
    try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration(2, 2))) {
      cluster.start();
      for (int i = 0; i < 50; i++) {
        String testId = "many-" + i;
        JobResult result = run(cluster, testId, 2, 200, 3, -1);
        assertThat(result.status()).as("job %s", i).isEqualTo(JobStatus.FINISHED);
        assertThat(TestPipelines.RESULTS.remove(testId)).isEqualTo(TestPipelines.expectedSums(200, 3));
      }
    }
    Threads.awaitNoThreadsBeyond(before, Duration.ofSeconds(10));
  }
}
