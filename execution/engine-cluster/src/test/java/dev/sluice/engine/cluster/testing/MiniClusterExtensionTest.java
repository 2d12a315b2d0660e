package dev.sluice.engine.cluster.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.cluster.client.JobResult;
import dev.sluice.engine.cluster.client.JobStatus;
import dev.sluice.engine.cluster.minicluster.MiniCluster;
import dev.sluice.engine.cluster.minicluster.MiniClusterConfiguration;
import dev.sluice.engine.cluster.testutil.TestJobGraphs;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MiniClusterExtensionTest {

  @RegisterExtension
  static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterConfiguration(2, 2));

  @Test
  void shouldInjectAStartedCluster(MiniCluster cluster) {
    assertThat(cluster).isSameAs(CLUSTER.cluster());
    assertThat(cluster.tempDirectory()).isDirectory();
    assertThat(cluster.configuration().totalSlots()).isEqualTo(4);
  }

  @Test
  void shouldFailAJobThatNeedsMoreSlotsThanTheClusterHasAtOnce(MiniCluster cluster) throws Exception {
    JobResult result = cluster.submitJob(TestJobGraphs.twoVertices("needs eight", 8, 2))
        .resultFuture().get(10, TimeUnit.SECONDS);
    assertThat(result.status()).isEqualTo(JobStatus.FAILED);
    assertThat(result.failureCause()).hasMessageContaining("needs eight").hasMessageContaining("needs 8 task slots")
        .hasMessageContaining("only 4 of 4 slots are free");
  }
}
