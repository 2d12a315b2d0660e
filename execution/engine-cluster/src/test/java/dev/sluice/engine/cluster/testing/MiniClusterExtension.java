package dev.sluice.engine.cluster.testing;

import dev.sluice.engine.cluster.minicluster.MiniCluster;
import dev.sluice.engine.cluster.minicluster.MiniClusterConfiguration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that runs a {@link MiniCluster} for a test class.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MiniClusterExtension CLUSTER = new MiniClusterExtension(MiniClusterConfiguration.forParallelism(4));
 *
 * @Test void runs(MiniCluster cluster) { ... cluster.submitJob(graph) ... }
 * }</pre>
 *
 * <p>Registered on a static field, one cluster serves all tests of the class; on an instance
 * field, each test gets its own. After each test, jobs it left running are cancelled (and
 * waited for), so tests do not see each other's jobs or slots. Test methods may declare a
 * {@link MiniCluster} parameter.
 */
public final class MiniClusterExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

  private final MiniClusterConfiguration configuration;
  private MiniCluster cluster;
  private boolean perClass;

  public MiniClusterExtension(MiniClusterConfiguration configuration) {
    this.configuration = configuration;
  }

  /** One TaskManager with 4 slots. */
  public MiniClusterExtension() {
    this(MiniClusterConfiguration.forParallelism(4));
  }

  public MiniCluster cluster() {
    if (cluster == null) {
      throw new IllegalStateException("The mini cluster runs only while a test of the class runs");
    }
    return cluster;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    perClass = true;
    cluster = new MiniCluster(configuration);
    cluster.start();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!perClass) {
      cluster = new MiniCluster(configuration);
      cluster.start();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (perClass) {
      cluster.cancelAllJobs().get(configuration.taskCancellationTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } else {
      closeCluster();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    closeCluster();
  }

  private void closeCluster() {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == MiniCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return cluster();
  }
}
