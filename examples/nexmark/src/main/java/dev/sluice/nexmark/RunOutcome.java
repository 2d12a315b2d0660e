package dev.sluice.nexmark;

import java.nio.file.Path;

/**
 * What one run of a query on a runner gave: its status, wall time and number of results, and
 * where its normalized results are (null unless it succeeded).
 */
public record RunOutcome(
    BenchmarkRunner runner,
    int query,
    long numEvents,
    Status status,
    long wallMillis,
    long results,
    Path normalizedResults,
    String message) {

  /** How a run ended. */
  public enum Status {
    OK,
    /** The runner rejected the pipeline as not supported yet (e.g. Sluice in streaming mode). */
    NOT_SUPPORTED,
    FAILED
  }

  /** Events per second of wall time (0 unless the run succeeded). */
  public double eventsPerSecond() {
    return status == Status.OK && wallMillis > 0 ? numEvents * 1000.0 / wallMillis : 0.0;
  }

  /** One human-readable line, e.g. {@code q3 SluiceRunner events=100000 wall=1.234s events/s=81037 results=12 OK}. */
  public String describe() {
    String head = String.format("q%-2d %-12s events=%d", query, runner.runnerName(), numEvents);
    return switch (status) {
      case OK -> String.format(
          "%s wall=%.3fs events/s=%.0f results=%d OK", head, wallMillis / 1000.0, eventsPerSecond(), results);
      case NOT_SUPPORTED -> head + " not supported yet: " + message;
      case FAILED -> head + " FAILED: " + message;
    };
  }

  /** A tab-separated record for {@link NexmarkReport}: runner, query, events, status, wallMillis, results, file, message. */
  public String toTsv() {
    return String.join(
        "\t",
        runner.runnerName(),
        Integer.toString(query),
        Long.toString(numEvents),
        status.name(),
        Long.toString(wallMillis),
        Long.toString(results),
        normalizedResults == null ? "-" : normalizedResults.toString(),
        message == null ? "-" : message.replace('\t', ' ').replace('\n', ' '));
  }

  /** Parses a {@link #toTsv()} record. */
  public static RunOutcome fromTsv(String line) {
    String[] f = line.split("\t", -1);
    if (f.length != 8) {
      throw new IllegalArgumentException("Not a run record (8 tab-separated fields): " + line);
    }
    return new RunOutcome(
        BenchmarkRunner.parse(f[0]),
        Integer.parseInt(f[1]),
        Long.parseLong(f[2]),
        Status.valueOf(f[3]),
        Long.parseLong(f[4]),
        Long.parseLong(f[5]),
        f[6].equals("-") ? null : Path.of(f[6]),
        f[7].equals("-") ? null : f[7]);
  }
}
