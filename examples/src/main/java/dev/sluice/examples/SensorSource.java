package dev.sluice.examples;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * An unbounded source of sensor readings ({@code KV<sensor, value>} at the reading's event
 * time) that plays a {@link SensorEvents} script: out of order within a block, some readings
 * late, the watermark advancing after each block. With a finite script the source ends (its
 * watermark reaches the end of time), so a streaming pipeline on it finishes.
 *
 * <p>One split, so that the order of arrival is the script's. At each watermark step the reader
 * has no record until the runner has read the new watermark, and then waits {@code pauseMillis}
 * of processing time: a reading held back for lateness arrives after the watermark passed it, not
 * before, however the runner polls. The checkpoint mark is the number of readings emitted; a
 * reader restored from one replays the script and skips them.
 */
final class SensorSource extends UnboundedSource<KV<String, Integer>, SensorSource.Position> {

  /** How far the script has been read. */
  record Position(long emitted) implements UnboundedSource.CheckpointMark, Serializable {
    @Override
    public void finalizeCheckpoint() {}
  }

  private final SensorEvents script;
  private final long pauseMillis;

  SensorSource(SensorEvents script, long pauseMillis) {
    this.script = script;
    this.pauseMillis = pauseMillis;
  }

  @Override
  public List<SensorSource> split(int desiredNumSplits, PipelineOptions options) {
    return List.of(this);
  }

  @Override
  public UnboundedReader<KV<String, Integer>> createReader(PipelineOptions options, @Nullable Position mark) {
    return new Reader(mark == null ? 0 : mark.emitted());
  }

  @Override
  public Coder<Position> getCheckpointMarkCoder() {
    return SerializableCoder.of(Position.class);
  }

  @Override
  public Coder<KV<String, Integer>> getOutputCoder() {
    return KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of());
  }

  /** Reads the script. Used by one thread at a time, as Beam requires of readers. */
  private final class Reader extends UnboundedReader<KV<String, Integer>> {
    private final long skip;
    private Iterator<SensorEvents.Step> steps;
    private SensorEvents.Reading current;
    private Instant watermark = BoundedWindow.TIMESTAMP_MIN_VALUE;
    private long emitted;
    /** A watermark step was taken; no record until the runner read it and the pause passed. */
    private boolean waitingForWatermarkRead;
    private long resumeAt;

    Reader(long skip) {
      this.skip = skip;
    }

    @Override
    public boolean start() {
      steps = script.steps();
      return advance();
    }

    @Override
    public boolean advance() {
      if (waitingForWatermarkRead || System.currentTimeMillis() < resumeAt) {
        return false;
      }
      while (steps.hasNext()) {
        SensorEvents.Step step = steps.next();
        if (step instanceof SensorEvents.Arrive arrive) {
          emitted++;
          if (emitted > skip) {
            current = arrive.reading();
            return true;
          }
        } else {
          long time = ((SensorEvents.AdvanceWatermark) step).timeMillis();
          watermark = time == Long.MAX_VALUE ? BoundedWindow.TIMESTAMP_MAX_VALUE : new Instant(time);
          if (emitted >= skip) {
            waitingForWatermarkRead = true;
            resumeAt = System.currentTimeMillis() + pauseMillis;
            return false;
          }
        }
      }
      return false;
    }

    @Override
    public KV<String, Integer> getCurrent() {
      return KV.of(reading().sensor(), reading().value());
    }

    @Override
    public Instant getCurrentTimestamp() {
      return new Instant(reading().timeMillis());
    }

    private SensorEvents.Reading reading() {
      if (current == null) {
        throw new NoSuchElementException("No current reading: advance() has not returned true");
      }
      return current;
    }

    @Override
    public Instant getWatermark() {
      waitingForWatermarkRead = false;
      return watermark;
    }

    @Override
    public Position getCheckpointMark() {
      return new Position(emitted);
    }

    @Override
    public SensorSource getCurrentSource() {
      return SensorSource.this;
    }

    @Override
    public void close() {}
  }
}
