package dev.sluice.engine.cluster.testutil;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/** Thread-leak checks: compare live thread names before and after, waiting for threads to end. */
public final class Threads {

  private Threads() {}

  public static Set<Thread> live() {
    return new HashSet<>(Thread.getAllStackTraces().keySet());
  }

  /** Waits until every live thread not in {@code before} has ended. */
  public static void awaitNoThreadsBeyond(Set<Thread> before, Duration timeout) {
    try {
      Await.until(() -> extra(before).isEmpty(), timeout, "no threads beyond the initial ones are left");
    } catch (AssertionError e) {
      throw new AssertionError("Threads left behind: " + extra(before), e);
    }
  }

  public static Set<String> extra(Set<Thread> before) {
    Set<String> names = new TreeSet<>();
    for (Thread t : live()) {
      if (!before.contains(t) && t.isAlive()) {
        names.add(t.getName());
      }
    }
    return names;
  }
}
