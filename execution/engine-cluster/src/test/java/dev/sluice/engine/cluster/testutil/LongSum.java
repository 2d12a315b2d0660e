package dev.sluice.engine.cluster.testutil;

import dev.sluice.engine.api.Accumulator;
import java.util.concurrent.atomic.AtomicLong;

/** A thread-safe summing accumulator for tests. */
public final class LongSum implements Accumulator<LongSum> {
  private final AtomicLong value;

  public LongSum() {
    this(0);
  }

  public LongSum(long initial) {
    value = new AtomicLong(initial);
  }

  public void add(long delta) {
    value.addAndGet(delta);
  }

  public long get() {
    return value.get();
  }

  @Override
  public LongSum copy() {
    return new LongSum(value.get());
  }

  @Override
  public void merge(LongSum other) {
    value.addAndGet(other.get());
  }

  @Override
  public String toString() {
    return "LongSum(" + value.get() + ")";
  }
}
