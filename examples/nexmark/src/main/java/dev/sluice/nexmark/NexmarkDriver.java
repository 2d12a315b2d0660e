package dev.sluice.nexmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs Nexmark queries on one or more runners in this JVM, each run in a fresh pipeline, prints
 * events, wall time, events/s and the number of results per run and, when the Direct runner is
 * among the runners, whether each other runner's normalized results equal the Direct runner's.
 *
 * <pre>
 * java ... dev.sluice.nexmark.NexmarkDriver --runner=SluiceRunner,DirectRunner --query=0,3,5 --numEvents=100000 --parallelism=2
 * </pre>
 *
 * <p>Exit status: 0 when every run succeeded (or was reported as not supported yet) and all
 * compared results matched; 1 otherwise.
 */
@Command(
    name = "nexmark",
    mixinStandardHelpOptions = true,
    description = "Runs Beam's Nexmark queries on SluiceRunner, FlinkRunner and DirectRunner.")
public final class NexmarkDriver implements Callable<Integer> {

  @Option(names = "--runner", split = ",", defaultValue = "SluiceRunner",
      description = "Runners, comma-separated: SluiceRunner, FlinkRunner, DirectRunner (default: ${DEFAULT-VALUE}).")
  List<String> runners = new ArrayList<>();

  @Option(names = "--query", split = ",", description = "Queries 0..12, comma-separated (default: all).")
  List<Integer> queries = new ArrayList<>();

  @Option(names = "--numEvents", defaultValue = "100000", description = "Events per run (default: ${DEFAULT-VALUE}).")
  long numEvents;

  @Option(names = "--parallelism", defaultValue = "2", description = "Parallelism of each runner (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(names = "--streaming", defaultValue = "false", arity = "0..1",
      description = "Streaming mode: Nexmark's unbounded generator with a bounded event count.")
  boolean streaming;

  @Option(names = "--warmupEvents", defaultValue = "0",
      description = "Before each measured run, an unrecorded run of the same query with this many events (0: none).")
  long warmupEvents;

  @Option(names = "--resultsDir", description = "Where normalized results are kept (default: a new temporary directory).")
  Path resultsDir;

  @Option(names = "--tsv", description = "Append one tab-separated record per measured run to this file (input of NexmarkReport).")
  Path tsv;

  /** The outcomes of the measured runs, in order (for tests). */
  final List<RunOutcome> outcomes = new ArrayList<>();

  /** Runner-vs-Direct comparisons that did not match, as printed (for tests). */
  final List<String> mismatches = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new NexmarkDriver()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    List<BenchmarkRunner> chosen = runners.stream().map(BenchmarkRunner::parse).toList();
    List<Integer> chosenQueries =
        queries.isEmpty() ? IntStream.rangeClosed(0, NexmarkQueries.MAX_QUERY).boxed().toList() : queries;
    Path workDir = resultsDir != null ? Files.createDirectories(resultsDir) : Files.createTempDirectory("sluice-nexmark");
    System.out.printf(
        "Nexmark: %s, %d events, parallelism %d, runners %s, queries %s, results in %s%n",
        streaming ? "streaming" : "batch", numEvents, parallelism, chosen, chosenQueries, workDir);

    boolean allGood = true;
    for (int query : chosenQueries) {
      RunOutcome reference = null;
      List<RunOutcome> forQuery = new ArrayList<>();
      for (BenchmarkRunner runner : chosen) {
        if (warmupEvents > 0) {
          new NexmarkRun(runner, query, warmupEvents, parallelism, streaming).run(workDir.resolve("warmup"));
        }
        RunOutcome outcome = new NexmarkRun(runner, query, numEvents, parallelism, streaming).run(workDir);
        System.out.println(outcome.describe());
        outcomes.add(outcome);
        forQuery.add(outcome);
        allGood &= outcome.status() != RunOutcome.Status.FAILED;
        if (runner == BenchmarkRunner.DIRECT) {
          reference = outcome;
        }
        if (tsv != null) {
          Files.writeString(tsv, outcome.toTsv() + System.lineSeparator(), StandardCharsets.UTF_8,
              StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
      }
      if (reference != null && reference.status() == RunOutcome.Status.OK) {
        for (RunOutcome outcome : forQuery) {
          if (outcome.runner() != BenchmarkRunner.DIRECT && outcome.status() == RunOutcome.Status.OK) {
            ResultComparison comparison = compare(reference, outcome);
            String line = String.format("q%-2d %s vs DirectRunner (%s): %s", query, outcome.runner(),
                ResultNormalizer.comparisonFor(query).description(), comparison.summary());
            System.out.println(line);
            if (!comparison.matches()) {
              mismatches.add(line);
              allGood = false;
            }
          }
        }
      }
    }
    return allGood ? 0 : 1;
  }

  /** Compares the normalized results of two successful runs. */
  static ResultComparison compare(RunOutcome reference, RunOutcome outcome) {
    try {
      return ResultComparison.compare(
          Files.readAllLines(reference.normalizedResults(), StandardCharsets.UTF_8),
          Files.readAllLines(outcome.normalizedResults(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read normalized results", e);
    }
  }
}
