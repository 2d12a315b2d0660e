package dev.sluice.engine.cluster.testutil;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline (never a fixed sleep). */
public final class Await {

  private Await() {}

  public static void until(BooleanSupplier condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("Timed out after " + timeout + " waiting until " + what);
      }
      LockSupport.parkNanos(1_000_000);
    }
  }

  public static void until(BooleanSupplier condition, String what) {
    until(condition, Duration.ofSeconds(10), what);
  }
}
