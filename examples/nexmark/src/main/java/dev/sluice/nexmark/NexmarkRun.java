package dev.sluice.nexmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.nexmark.NexmarkConfiguration;
import org.apache.beam.sdk.nexmark.NexmarkUtils;
import org.apache.beam.sdk.nexmark.model.Event;
import org.apache.beam.sdk.nexmark.model.KnownSize;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and runs one Nexmark query on one runner, in a fresh pipeline: Nexmark's generator
 * (bounded in batch; its unbounded source with a bounded event count in streaming), the query,
 * and a sink that writes each result as a {@link ResultLine}. The wall time covers
 * {@code run()} to {@code waitUntilFinish()}, i.e. job submission and (for Flink) cluster start too.
 */
public final class NexmarkRun {
  private static final Logger LOG = LoggerFactory.getLogger(NexmarkRun.class);

  private final BenchmarkRunner runner;
  private final int query;
  private final long numEvents;
  private final int parallelism;
  private final boolean streaming;

  public NexmarkRun(BenchmarkRunner runner, int query, long numEvents, int parallelism, boolean streaming) {
    this.runner = runner;
    this.query = query;
    this.numEvents = numEvents;
    this.parallelism = parallelism;
    this.streaming = streaming;
  }

  /**
   * Runs the query and writes its normalized results to {@code workDir/<runner>-q<N>.txt}.
   * Never throws for a failing pipeline: the outcome says how it ended.
   */
  public RunOutcome run(Path workDir) {
    Path rawDir = workDir.resolve(runner.runnerName() + "-q" + query + "-raw");
    Path normalizedFile = workDir.resolve(runner.runnerName() + "-q" + query + ".txt");
    try {
      deleteRecursively(rawDir);
      Files.createDirectories(rawDir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare results directory " + rawDir, e);
    }

    long wallMillis;
    try {
      Pipeline pipeline = buildPipeline(rawDir);
      long start = System.nanoTime();
      PipelineResult result = pipeline.run();
      result.waitUntilFinish();
      wallMillis = (System.nanoTime() - start) / 1_000_000;
      if (result.getState() != PipelineResult.State.DONE) {
        return outcome(RunOutcome.Status.FAILED, wallMillis, 0, null, "pipeline ended in state " + result.getState());
      }
    } catch (RuntimeException | LinkageError e) {
      String message = rootMessage(e);
      boolean unsupported = message.contains("not supported yet");
      if (!unsupported) {
        LOG.warn("Nexmark query {} failed on {}", query, runner, e);
      }
      return outcome(unsupported ? RunOutcome.Status.NOT_SUPPORTED : RunOutcome.Status.FAILED, 0, 0, null, message);
    }

    try {
      List<String> lines = readLines(rawDir);
      Files.write(normalizedFile, ResultNormalizer.normalize(query, lines), StandardCharsets.UTF_8);
      deleteRecursively(rawDir);
      return outcome(RunOutcome.Status.OK, wallMillis, lines.size(), normalizedFile, null);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the results of query " + query + " on " + runner + " from " + rawDir, e);
    }
  }

  private Pipeline buildPipeline(Path rawDir) {
    NexmarkConfiguration configuration = NexmarkQueries.configuration(query, numEvents);
    PipelineOptions options = runner.options(parallelism, streaming);
    options.setJobName("nexmark-q" + query + "-" + runner.name().toLowerCase(java.util.Locale.ROOT));
    Pipeline pipeline = Pipeline.create(options);
    NexmarkUtils.setupPipeline(configuration.coderStrategy, pipeline);
    PCollection<Event> events =
        pipeline.apply(
            streaming
                ? NexmarkUtils.streamEventsSource(configuration)
                : NexmarkUtils.batchEventsSource(configuration));
    @SuppressWarnings("unchecked")
    PCollection<TimestampedValue<KnownSize>> results =
        (PCollection<TimestampedValue<KnownSize>>)
            (PCollection<?>) events.apply(NexmarkQueries.create(query, configuration, parallelism));
    results
        .apply("FormatResults", ParDo.of(new ResultLineFn()))
        .apply("WriteResults", ParDo.of(new WriteLinesFn(rawDir.toAbsolutePath().toString())));
    return pipeline;
  }

  private RunOutcome outcome(RunOutcome.Status status, long wallMillis, long results, Path file, String message) {
    return new RunOutcome(runner, query, numEvents, status, wallMillis, results, file, message);
  }

  private static List<String> readLines(Path dir) throws IOException {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
      }
    }
    return lines;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** The messages of {@code e} and its causes, outermost first (runners wrap the real cause several times). */
  static String rootMessage(Throwable e) {
    Throwable cause = e;
    StringBuilder all = new StringBuilder();
    while (cause != null) {
      if (cause.getMessage() != null && all.indexOf(cause.getMessage()) < 0) {
        if (all.length() > 0) {
          all.append(" <- ");
        }
        all.append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
      }
      if (cause.getCause() == cause) {
        break;
      }
      cause = cause.getCause();
    }
    String text = all.length() == 0 ? e.getClass().getName() : all.toString();
    text = text.replace('\n', ' ').replace('\t', ' ');
    return text.length() > 400 ? text.substring(0, 400) + "..." : text;
  }
}
