package dev.sluice.engine.cluster.minicluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.engine.cluster.client.JobClient;
import dev.sluice.engine.cluster.client.JobResult;
import dev.sluice.engine.cluster.client.JobStatus;
import dev.sluice.engine.cluster.testutil.Await;
import dev.sluice.engine.cluster.testutil.FakeTaskFactory;
import dev.sluice.engine.cluster.testutil.LongSum;
import dev.sluice.engine.cluster.testutil.TestJobGraphs;
import dev.sluice.engine.cluster.testutil.Threads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The MiniCluster's control plane with fake tasks (one thread each), independent of the engine's Task. */
class MiniClusterControlPlaneTest {

  private static MiniCluster newCluster(int taskManagers, int slots) {
    return new MiniCluster(new MiniClusterConfiguration(taskManagers, slots), (dir, loader) -> new FakeTaskFactory());
  }

  private static JobResult result(JobClient client) throws Exception {
    return client.resultFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void shouldRunJobsToTheirEnd() throws Exception {
    try (MiniCluster cluster = newCluster(2, 2)) {
      cluster.start();
      JobResult finished = result(cluster.submitJob(TestJobGraphs.twoVertices("finite", 4, 3)));
      assertThat(finished.status()).isEqualTo(JobStatus.FINISHED);
      assertThat(((LongSum) finished.accumulators().get("tasks")).get()).isEqualTo(7);

      JobResult failed = result(cluster.submitJob(TestJobGraphs.twoVertices("will fail", 2, 2)));
      assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
      assertThat(failed.failureCause()).hasMessageContaining("of job " + failed.jobId()).hasMessageContaining("test failure");

      JobResult tooBig = result(cluster.submitJob(TestJobGraphs.twoVertices("too big", 5, 1)));
      assertThat(tooBig.status()).isEqualTo(JobStatus.FAILED);
      assertThat(tooBig.failureCause()).hasMessageContaining("needs 5 task slots").hasMessageContaining("only 4 of 4");
    }
  }

  @Test
  void shouldCancelAnInfiniteJobAndReportLiveAccumulators() throws Exception {
    try (MiniCluster cluster = newCluster(1, 3)) {
      cluster.start();
      JobClient client = cluster.submitJob(TestJobGraphs.twoVertices("infinite", 3, 2));
      Await.until(() -> {
        Object n = client.accumulators().get("tasks");
        return n != null && ((LongSum) n).get() == 5;
      }, "all 5 tasks counted while running");
      assertThat(client.status()).isEqualTo(JobStatus.RUNNING);
      client.cancel();
      JobResult result = result(client);
      assertThat(result.status()).isEqualTo(JobStatus.CANCELED);
      assertThat(((LongSum) result.accumulators().get("tasks")).get()).isEqualTo(5);
      assertThat(client.accumulators()).isEqualTo(result.accumulators());
    }
  }

  @Test
  void shouldCancelRunningJobsAndLeaveNoThreadOrDirectoryOnClose() throws Exception {
    Set<Thread> before = Threads.live();
    MiniCluster cluster = newCluster(2, 2);
    cluster.start();
    Path temp = cluster.tempDirectory();
    assertThat(temp).isDirectory();
    JobClient client = cluster.submitJob(TestJobGraphs.twoVertices("infinite", 4, 4));
    Await.until(() -> client.status() == JobStatus.RUNNING, "job running");
    cluster.close();
    assertThat(client.resultFuture()).isDone();
    assertThat(result(client).status()).isEqualTo(JobStatus.CANCELED);
    assertThat(Files.exists(temp)).isFalse();
    Threads.awaitNoThreadsBeyond(before, Duration.ofSeconds(10));
    assertThatThrownBy(() -> cluster.submitJob(TestJobGraphs.twoVertices("late", 1, 1)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldLeaveNoThreadsAfterManyJobs() throws Exception {
    Set<Thread> before = Threads.live();
    try (MiniCluster cluster = newCluster(2, 2)) {
      cluster.start();
      List<JobClient> clients = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        JobClient c = cluster.submitJob(TestJobGraphs.twoVertices("job-" + i, 2, 2));
        clients.add(c);
        assertThat(result(c).status()).isEqualTo(JobStatus.FINISHED);
      }
    }
    Threads.awaitNoThreadsBeyond(before, Duration.ofSeconds(10));
  }
}
