package dev.sluice.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Running many pipelines in one JVM leaves nothing behind: every engine thread ends with its job
 * (each run gets its own local cluster) and the local engine never listens on a port.
 */
@Timeout(300)
class SluiceRunnerResourceLeakTest {

  private static final int PIPELINES = 50;

  @Test
  void shouldLeaveNoThreadsOrListeningSocketsAfterManyPipelines() throws Exception {
    // One warm-up run, so that JVM-wide lazily started threads (e.g. Beam's, the JIT's) count as "before".
    runOnePipeline(0);
    Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
    Set<Long> listeningBefore = listeningSocketInodesOfThisProcess();

    for (int i = 1; i <= PIPELINES; i++) {
      runOnePipeline(i);
    }

    // Threads may still be finishing their last instructions after the job ended: join them.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (Thread t : newThreads(threadsBefore)) {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }
    assertThat(newThreads(threadsBefore).stream().map(SluiceRunnerResourceLeakTest::describe))
        .as("threads started by the pipelines and still alive")
        .isEmpty();
    assertThat(listeningSocketInodesOfThisProcess()).as("listening sockets").isSubsetOf(listeningBefore);
  }

  private static void runOnePipeline(int i) {
    Pipeline p = SluiceTestPipelines.create(2);
    PAssert.that(p.apply(Create.of("a", "b", "a")).apply(Count.perElement()))
        .containsInAnyOrder(KV.of("a", 2L), KV.of("b", 1L));
    SluiceTestPipelines.run(p);
  }

  private static List<Thread> newThreads(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !before.contains(t))
        .toList();
  }

  private static String describe(Thread t) {
    return t.getName() + (t.isDaemon() ? " (daemon)" : "") + " in state " + t.getState();
  }

  /**
   * Inodes of TCP sockets in LISTEN state owned by this process: /proc/self/net/tcp{,6} lists
   * every socket of the network namespace, so keep those whose inode is one of our descriptors.
   */
  private static Set<Long> listeningSocketInodesOfThisProcess() throws IOException {
    Set<Long> ours = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            ours.add(Long.parseLong(target.substring(8, target.length() - 1)));
          }
        } catch (IOException closedMeanwhile) {
          // The descriptor closed while we listed them; it is not a listener then.
        }
      }
    }
    Set<Long> listening = new HashSet<>();
    for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
      Path path = Path.of(table);
      if (!Files.exists(path)) {
        continue;
      }
      List<String> lines = Files.readAllLines(path);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        long inode = Long.parseLong(f[9]);
        if ("0A".equals(f[3]) && ours.contains(inode)) {
          listening.add(inode);
        }
      }
    }
    return listening;
  }
}
