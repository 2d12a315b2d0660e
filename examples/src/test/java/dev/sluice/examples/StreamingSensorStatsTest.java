package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.runner.TestSluiceRunner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link StreamingSensorStats} on Sluice in streaming mode, with a bounded script of readings:
 * its panes (count, sum, EARLY / ON_TIME / LATE, index) and alerts must be exactly what a
 * straightforward model of the script predicts. The source makes the order of readings and
 * watermarks deterministic, so the pane timings are too.
 */
@Timeout(120)
class StreamingSensorStatsTest {

  private static final Map<String, List<String>> SINKS = new ConcurrentHashMap<>();

  @Test
  void shouldEmitEarlyOnTimeAndLatePanesAndAlertsAsTheScriptDictates() {
    StreamingSensorStats.Options options = options(60);

    Result result = run(options);

    Model expected = Model.of(options);
    assertThat(result.stats()).containsExactlyInAnyOrderElementsOf(expected.stats);
    assertThat(result.alerts()).containsExactlyInAnyOrderElementsOf(expected.alerts);
    // The script has all three kinds of panes, and alerts that clear.
    assertThat(result.stats()).anyMatch(l -> l.contains(" EARLY ")).anyMatch(l -> l.contains(" ON_TIME "))
        .anyMatch(l -> l.contains(" LATE "));
    assertThat(result.alerts()).anyMatch(l -> l.contains(" raised ")).anyMatch(l -> l.contains(" cleared "));
  }

  @Test
  void shouldDropReadingsLaterThanTheAllowedLateness() {
    StreamingSensorStats.Options options = options(45);
    options.setAllowedLatenessSeconds(0);

    Result result = run(options);

    Model expected = Model.of(options);
    assertThat(expected.dropped).isPositive();
    assertThat(result.stats()).containsExactlyInAnyOrderElementsOf(expected.stats).noneMatch(l -> l.contains(" LATE "));
    assertThat(result.alerts()).containsExactlyInAnyOrderElementsOf(expected.alerts);
  }

  private static StreamingSensorStats.Options options(long events) {
    StreamingSensorStats.Options options = PipelineOptionsFactory.fromArgs("--parallelism=2", "--events=" + events)
        .as(StreamingSensorStats.Options.class);
    options.setRunner(TestSluiceRunner.class);
    return options;
  }

  private record Result(List<String> stats, List<String> alerts) {}

  private static Result run(StreamingSensorStats.Options options) {
    Pipeline p = Pipeline.create(options);
    StreamingSensorStats.Outputs outputs = StreamingSensorStats.build(p, options);
    String stats = collect(outputs.stats(), "CollectStats");
    String alerts = collect(outputs.alerts(), "CollectAlerts");
    assertThat(p.run().waitUntilFinish()).isEqualTo(PipelineResult.State.DONE);
    return new Result(List.copyOf(SINKS.remove(stats)), List.copyOf(SINKS.remove(alerts)));
  }

  private static String collect(PCollection<String> pc, String name) {
    String id = UUID.randomUUID().toString();
    SINKS.put(id, Collections.synchronizedList(new ArrayList<>()));
    pc.apply(name, ParDo.of(new CollectFn(id)));
    return id;
  }

  private static final class CollectFn extends DoFn<String, Void> {
    private final String id;

    CollectFn(String id) {
      this.id = id;
    }

    @ProcessElement
    public void process(@Element String line) {
      SINKS.get(id).add(line);
    }
  }

  /**
   * What the pipeline must output, from the script: Beam's trigger and timer semantics played by
   * hand. A window's ON_TIME pane fires when the watermark reaches its end; an EARLY pane after
   * every {@code earlyEvery} readings before that; a LATE pane for each reading after it, unless
   * the watermark is past the end plus the allowed lateness (dropped). Panes accumulate. An
   * alert's timer fires when the watermark is after its time.
   */
  private static final class Model {
    final List<String> stats = new ArrayList<>();
    final List<String> alerts = new ArrayList<>();
    int dropped;

    private final StreamingSensorStats.Options options;
    private final long windowMillis;
    /** Per sensor and window start. */
    private final Map<String, TreeMap<Long, Pane>> panes = new HashMap<>();
    private final Map<String, long[]> openAlerts = new TreeMap<>(); // sensor -> {raisedAt, suppressed}

    private static final class Pane {
      long count;
      long sum;
      long sinceFiring;
      int index;
      boolean onTimeFired;
    }

    private Model(StreamingSensorStats.Options options) {
      this.options = options;
      this.windowMillis = options.getWindowSeconds() * 1000;
    }

    static Model of(StreamingSensorStats.Options options) {
      Model m = new Model(options);
      long watermark = Long.MIN_VALUE;
      Iterator<SensorEvents.Step> steps = StreamingSensorStats.events(options).steps();
      while (steps.hasNext()) {
        SensorEvents.Step step = steps.next();
        if (step instanceof SensorEvents.Arrive arrive) {
          m.window(arrive.reading(), watermark);
          m.alert(arrive.reading());
        } else {
          watermark = ((SensorEvents.AdvanceWatermark) step).timeMillis();
          m.onWatermark(watermark);
        }
      }
      return m;
    }

    private void window(SensorEvents.Reading r, long watermark) {
      long start = r.timeMillis() - Math.floorMod(r.timeMillis(), windowMillis);
      long maxTimestamp = start + windowMillis - 1;
      if (watermark > maxTimestamp + options.getAllowedLatenessSeconds() * 1000) {
        dropped++;
        return;
      }
      Pane p = panes.computeIfAbsent(r.sensor(), s -> new TreeMap<>()).computeIfAbsent(start, s -> new Pane());
      p.count++;
      p.sum += r.value();
      p.sinceFiring++;
      if (p.onTimeFired) {
        fire(r.sensor(), start, p, "LATE");
      } else if (p.sinceFiring >= options.getEarlyEvery()) {
        fire(r.sensor(), start, p, "EARLY");
      }
    }

    private void onWatermark(long watermark) {
      panes.forEach((sensor, windows) -> windows.forEach((start, p) -> {
        if (!p.onTimeFired && watermark > start + windowMillis - 1) {
          p.onTimeFired = true;
          fire(sensor, start, p, "ON_TIME");
        }
      }));
      for (Iterator<Map.Entry<String, long[]>> it = openAlerts.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, long[]> e = it.next();
        long clearAt = e.getValue()[0] + options.getQuietSeconds() * 1000;
        if (watermark > clearAt) {
          alerts.add(String.format("alert %s cleared at %s (%d more high readings)", e.getKey(),
              StreamingSensorStats.clock(new Instant(clearAt)), e.getValue()[1]));
          it.remove();
        }
      }
    }

    private void fire(String sensor, long start, Pane p, String timing) {
      stats.add(String.format("stats %s [%s, %s) %s #%d: count=%d sum=%d", sensor,
          StreamingSensorStats.clock(new Instant(start)), StreamingSensorStats.clock(new Instant(start + windowMillis)),
          timing, p.index, p.count, p.sum));
      p.index++;
      p.sinceFiring = 0;
    }

    private void alert(SensorEvents.Reading r) {
      if (r.value() < options.getAlertThreshold()) {
        return;
      }
      long[] open = openAlerts.get(r.sensor());
      if (open != null) {
        open[1]++;
        return;
      }
      openAlerts.put(r.sensor(), new long[] {r.timeMillis(), 0});
      alerts.add(String.format("alert %s raised at %s (value %d)", r.sensor(),
          StreamingSensorStats.clock(new Instant(r.timeMillis())), r.value()));
    }
  }
}
