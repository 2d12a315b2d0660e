package dev.sluice.examples;

import dev.sluice.runner.SluiceRunner;
import java.util.Arrays;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * A streaming pipeline over out-of-order sensor readings ({@link SensorSource}): per sensor and
 * fixed event-time window, the number and sum of readings, with early, on-time and late panes;
 * and per sensor, an alert when a reading reaches a threshold, at most one per quiet period.
 *
 * <ul>
 *   <li><b>Windowed statistics</b>: fixed windows of {@code --windowSeconds}; an EARLY pane every
 *       {@code --earlyEvery} readings of a sensor in a window, the ON_TIME pane when the
 *       watermark passes the end of the window, a LATE pane for each late reading within
 *       {@code --allowedLatenessSeconds} (later ones are dropped). Panes accumulate: each shows
 *       everything seen so far in its window. Output lines:
 *       {@code stats sensor-1 [00:00:10, 00:00:20) ON_TIME #2: count=4 sum=187}.
 *   <li><b>Alerts</b> (a stateful DoFn with an event-time timer): a reading of at least
 *       {@code --alertThreshold} raises an alert unless one is open for the sensor; the alert
 *       stays open (further high readings are counted, not alerted) until the watermark passes
 *       its time plus {@code --quietSeconds}, when an event-time timer closes it. Output lines:
 *       {@code alert sensor-1 raised at 00:00:12 (value 97)} and
 *       {@code alert sensor-1 cleared at 00:00:42 (2 more high readings)}.
 * </ul>
 *
 * <pre>
 * bin/sluice sensors --events=200 --pauseMillis=100
 * </pre>
 */
public final class StreamingSensorStats {

  private StreamingSensorStats() {}

  /** Options of this example. */
  public interface Options extends StreamingOptions {
    @Description("Number of readings the source plays before it ends; 0: endless.")
    @Default.Long(200)
    long getEvents();

    void setEvents(long events);

    @Description("Number of sensors.")
    @Default.Integer(3)
    int getSensors();

    void setSensors(int sensors);

    @Description("Seed of the readings' sensors, values and order.")
    @Default.Long(42)
    long getSeed();

    void setSeed(long seed);

    @Description("Event time between two readings, in milliseconds.")
    @Default.Long(1000)
    long getIntervalMillis();

    void setIntervalMillis(long intervalMillis);

    @Description("Readings are shuffled within blocks of this many; the watermark advances after each block.")
    @Default.Integer(5)
    int getBlockSize();

    void setBlockSize(int blockSize);

    @Description("One reading of every N-th block arrives late (0: none).")
    @Default.Integer(3)
    int getLateEvery();

    void setLateEvery(int lateEvery);

    @Description("A late reading arrives this many blocks after its own.")
    @Default.Integer(2)
    int getLateByBlocks();

    void setLateByBlocks(int lateByBlocks);

    @Description("Processing time the source waits after each watermark step, in milliseconds.")
    @Default.Long(0)
    long getPauseMillis();

    void setPauseMillis(long pauseMillis);

    @Description("Length of the fixed event-time windows, in seconds.")
    @Default.Long(10)
    long getWindowSeconds();

    void setWindowSeconds(long windowSeconds);

    @Description("An early pane after every this many readings of a sensor in a window.")
    @Default.Integer(2)
    int getEarlyEvery();

    void setEarlyEvery(int earlyEvery);

    @Description("How long after the end of a window late readings still count, in seconds.")
    @Default.Long(30)
    long getAllowedLatenessSeconds();

    void setAllowedLatenessSeconds(long allowedLatenessSeconds);

    @Description("A reading of at least this value raises an alert.")
    @Default.Integer(90)
    int getAlertThreshold();

    void setAlertThreshold(int alertThreshold);

    @Description("An alert stays open this long in event time, in seconds.")
    @Default.Long(30)
    long getQuietSeconds();

    void setQuietSeconds(long quietSeconds);
  }

  /** The two outputs of the pipeline. */
  public record Outputs(PCollection<String> stats, PCollection<String> alerts) {}

  public static void main(String[] args) {
    Options options = PipelineOptionsFactory.fromArgs(args).withValidation().as(Options.class);
    if (Arrays.stream(args).noneMatch(a -> a.startsWith("--runner"))) {
      options.setRunner(SluiceRunner.class);
    }
    Pipeline pipeline = Pipeline.create(options);
    Outputs outputs = build(pipeline, options);
    outputs.stats().apply("PrintStats", ParDo.of(new PrintFn()));
    outputs.alerts().apply("PrintAlerts", ParDo.of(new PrintFn()));
    PipelineResult result = pipeline.run();
    System.out.println("StreamingSensorStats " + result.waitUntilFinish());
  }

  /** The readings the options describe. */
  static SensorEvents events(Options options) {
    return new SensorEvents(
        options.getEvents() == 0 ? Long.MAX_VALUE : options.getEvents(),
        options.getSensors(),
        options.getSeed(),
        options.getBlockSize(),
        options.getIntervalMillis(),
        options.getLateEvery(),
        options.getLateByBlocks());
  }

  /** Adds the source, the windowed statistics and the alerts to {@code pipeline}. */
  public static Outputs build(Pipeline pipeline, Options options) {
    PCollection<KV<String, Integer>> readings =
        pipeline.apply("Readings", Read.from(new SensorSource(events(options), options.getPauseMillis())));

    // GroupByKey rather than a combiner: the early trigger counts readings, not partial sums.
    PCollection<String> stats = readings
        .apply("Window", Window.<KV<String, Integer>>into(FixedWindows.of(Duration.standardSeconds(options.getWindowSeconds())))
            .triggering(AfterWatermark.pastEndOfWindow()
                .withEarlyFirings(AfterPane.elementCountAtLeast(options.getEarlyEvery()))
                .withLateFirings(AfterPane.elementCountAtLeast(1)))
            .withAllowedLateness(Duration.standardSeconds(options.getAllowedLatenessSeconds()))
            .accumulatingFiredPanes())
        .apply("GroupBySensor", GroupByKey.create())
        .apply("Summarize", ParDo.of(new SummarizeFn()));

    PCollection<String> alerts = readings
        .apply("Alerts", ParDo.of(new AlertFn(options.getAlertThreshold(), Duration.standardSeconds(options.getQuietSeconds()))));
    return new Outputs(stats, alerts);
  }

  /** {@code stats <sensor> [<start>, <end>) <timing> #<pane index>: count=<n> sum=<s>}. */
  static final class SummarizeFn extends DoFn<KV<String, Iterable<Integer>>, String> {
    @ProcessElement
    public void process(@Element KV<String, Iterable<Integer>> readings, IntervalWindow window, PaneInfo pane,
        OutputReceiver<String> out) {
      long count = 0;
      long sum = 0;
      for (int v : readings.getValue()) {
        count++;
        sum += v;
      }
      out.output(String.format("stats %s [%s, %s) %s #%d: count=%d sum=%d", readings.getKey(), clock(window.start()),
          clock(window.end()), pane.getTiming(), pane.getIndex(), count, sum));
    }
  }

  /**
   * Per sensor: raises an alert on a reading of at least {@code threshold} unless one is open,
   * and clears it when the watermark passes the alert's time plus the quiet period.
   */
  static final class AlertFn extends DoFn<KV<String, Integer>, String> {
    /** Event time of the open alert. State: value. Lifetime: set on raise, cleared by the timer. */
    @StateId("raisedAt")
    private final StateSpec<ValueState<Long>> raisedAtSpec = StateSpecs.value(VarLongCoder.of());

    /** High readings while the alert was open. State: value. Lifetime: as raisedAt. */
    @StateId("suppressed")
    private final StateSpec<ValueState<Integer>> suppressedSpec = StateSpecs.value(VarIntCoder.of());

    /** The sensor's name, for the timer's output. State: value. Lifetime: as raisedAt. */
    @StateId("sensor")
    private final StateSpec<ValueState<String>> sensorSpec = StateSpecs.value(StringUtf8Coder.of());

    @TimerId("clear")
    private final TimerSpec clearSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    private final int threshold;
    private final Duration quiet;

    AlertFn(int threshold, Duration quiet) {
      this.threshold = threshold;
      this.quiet = quiet;
    }

    @ProcessElement
    public void process(@Element KV<String, Integer> reading, @Timestamp Instant ts,
        @StateId("raisedAt") ValueState<Long> raisedAt, @StateId("suppressed") ValueState<Integer> suppressed,
        @StateId("sensor") ValueState<String> sensor, @TimerId("clear") Timer clear, OutputReceiver<String> out) {
      if (reading.getValue() < threshold) {
        return;
      }
      if (raisedAt.read() != null) {
        Integer n = suppressed.read();
        suppressed.write(n == null ? 1 : n + 1);
        return;
      }
      raisedAt.write(ts.getMillis());
      sensor.write(reading.getKey());
      clear.set(ts.plus(quiet));
      out.output(String.format("alert %s raised at %s (value %d)", reading.getKey(), clock(ts), reading.getValue()));
    }

    @OnTimer("clear")
    public void onClear(OnTimerContext c, @StateId("raisedAt") ValueState<Long> raisedAt,
        @StateId("suppressed") ValueState<Integer> suppressed, @StateId("sensor") ValueState<String> sensor) {
      Integer n = suppressed.read();
      c.output(String.format("alert %s cleared at %s (%d more high readings)", sensor.read(), clock(c.timestamp()),
          n == null ? 0 : n));
      raisedAt.clear();
      suppressed.clear();
      sensor.clear();
    }
  }

  /** Prints each element on standard output. */
  static final class PrintFn extends DoFn<String, Void> {
    @ProcessElement
    public void process(@Element String line) {
      System.out.println(line);
    }
  }

  /** Event time as {@code HH:mm:ss} from the epoch (the readings start there). */
  static String clock(Instant t) {
    long s = t.getMillis() / 1000;
    return String.format("%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }
}
