package dev.sluice.nexmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes the markdown table of a matrix of Nexmark runs (the {@code --tsv} records of
 * {@link NexmarkDriver}, one JVM per run): events/s per query and runner, the Sluice/Flink ratio,
 * geometric means, and whether Sluice's and Flink's normalized results equal the Direct runner's.
 */
@Command(name = "nexmark-report", mixinStandardHelpOptions = true,
    description = "Turns the run records of bin/nexmark into a markdown table.")
public final class NexmarkReport implements Callable<Integer> {

  @Option(names = "--tsv", required = true, description = "Run records written by NexmarkDriver --tsv.")
  Path tsv;

  @Option(names = "--out", required = true, description = "Markdown file to write.")
  Path out;

  @Option(names = "--header", defaultValue = "", description = "Markdown put above the table (date, machine, settings).")
  String header;

  public static void main(String[] args) {
    System.exit(new CommandLine(new NexmarkReport()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    Map<Integer, Map<BenchmarkRunner, RunOutcome>> byQuery = new TreeMap<>();
    for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        RunOutcome outcome = RunOutcome.fromTsv(line);
        byQuery.computeIfAbsent(outcome.query(), q -> new EnumMap<>(BenchmarkRunner.class)).put(outcome.runner(), outcome);
      }
    }
    String markdown = render(byQuery, header);
    Files.writeString(out, markdown, StandardCharsets.UTF_8);
    System.out.print(markdown);
    return 0;
  }

  static String render(Map<Integer, Map<BenchmarkRunner, RunOutcome>> byQuery, String header) {
    StringBuilder md = new StringBuilder();
    if (!header.isBlank()) {
      md.append(header.replace("\\n", "\n")).append("\n\n");
    }
    md.append("| query | Sluice events/s | Flink events/s | Direct events/s | Sluice/Flink | results (S/F/D) | Sluice = Direct | Flink = Direct |\n");
    md.append("|---|---:|---:|---:|---:|---|---|---|\n");
    List<Double> sluice = new ArrayList<>();
    List<Double> flink = new ArrayList<>();
    List<Double> direct = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (Map.Entry<Integer, Map<BenchmarkRunner, RunOutcome>> entry : byQuery.entrySet()) {
      int query = entry.getKey();
      RunOutcome s = entry.getValue().get(BenchmarkRunner.SLUICE);
      RunOutcome f = entry.getValue().get(BenchmarkRunner.FLINK);
      RunOutcome d = entry.getValue().get(BenchmarkRunner.DIRECT);
      if (ok(s) && ok(f)) {
        sluice.add(s.eventsPerSecond());
        flink.add(f.eventsPerSecond());
        if (ok(d)) {
          direct.add(d.eventsPerSecond());
        }
      }
      md.append("| q").append(query)
          .append(" | ").append(rate(s, query, notes))
          .append(" | ").append(rate(f, query, notes))
          .append(" | ").append(rate(d, query, notes))
          .append(" | ").append(ok(s) && ok(f) ? String.format("%.2f", s.eventsPerSecond() / f.eventsPerSecond()) : "-")
          .append(" | ").append(count(s)).append('/').append(count(f)).append('/').append(count(d))
          .append(" | ").append(versusDirect(s, d, query, notes))
          .append(" | ").append(versusDirect(f, d, query, notes))
          .append(" |\n");
    }
    if (sluice.isEmpty()) {
      // A matrix without the Flink runner (or where it never ran) has no ratio to average.
      md.append("| **geomean** (no query ran on both Sluice and Flink) | - | - | - | - | | | |\n");
    } else {
      double gs = geomean(sluice);
      double gf = geomean(flink);
      String directMean = direct.size() == sluice.size() ? String.format("%.0f", geomean(direct)) : "-";
      md.append(String.format("| **geomean** (%d queries that ran on Sluice and Flink) | %.0f | %.0f | %s | **%.2f** | | | |%n",
          sluice.size(), gs, gf, directMean, gs / gf));
    }
    if (!notes.isEmpty()) {
      md.append('\n');
      notes.forEach(note -> md.append("- ").append(note).append('\n'));
    }
    return md.toString();
  }

  private static boolean ok(RunOutcome outcome) {
    return outcome != null && outcome.status() == RunOutcome.Status.OK;
  }

  private static String rate(RunOutcome outcome, int query, List<String> notes) {
    if (outcome == null) {
      return "no run";
    }
    return switch (outcome.status()) {
      case OK -> String.format("%.0f", outcome.eventsPerSecond());
      case NOT_SUPPORTED -> "not supported yet";
      case FAILED -> {
        notes.add("q" + query + " on " + outcome.runner().runnerName() + " failed: " + outcome.message());
        yield "FAILED";
      }
    };
  }

  private static String count(RunOutcome outcome) {
    return ok(outcome) ? Long.toString(outcome.results()) : "-";
  }

  private static String versusDirect(RunOutcome outcome, RunOutcome direct, int query, List<String> notes) {
    if (!ok(outcome) || !ok(direct)) {
      return "-";
    }
    ResultComparison comparison = NexmarkDriver.compare(direct, outcome);
    if (!comparison.matches()) {
      notes.add("q" + query + " on " + outcome.runner().runnerName() + ": " + comparison.summary());
      return "**no**";
    }
    return "yes";
  }

  static double geomean(List<Double> values) {
    if (values.isEmpty()) {
      return 0.0;
    }
    double logSum = 0.0;
    for (double value : values) {
      logSum += Math.log(value);
    }
    return Math.exp(logSum / values.size());
  }
}
