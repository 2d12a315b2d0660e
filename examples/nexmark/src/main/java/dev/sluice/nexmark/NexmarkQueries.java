package dev.sluice.nexmark;

import org.apache.beam.sdk.nexmark.NexmarkConfiguration;
import org.apache.beam.sdk.nexmark.NexmarkQueryName;
import org.apache.beam.sdk.nexmark.model.KnownSize;
import org.apache.beam.sdk.nexmark.queries.NexmarkQuery;
import org.apache.beam.sdk.nexmark.queries.NexmarkQueryTransform;
import org.apache.beam.sdk.nexmark.queries.Query0;
import org.apache.beam.sdk.nexmark.queries.Query1;
import org.apache.beam.sdk.nexmark.queries.Query10;
import org.apache.beam.sdk.nexmark.queries.Query11;
import org.apache.beam.sdk.nexmark.queries.Query12;
import org.apache.beam.sdk.nexmark.queries.Query2;
import org.apache.beam.sdk.nexmark.queries.Query3;
import org.apache.beam.sdk.nexmark.queries.Query4;
import org.apache.beam.sdk.nexmark.queries.Query5;
import org.apache.beam.sdk.nexmark.queries.Query6;
import org.apache.beam.sdk.nexmark.queries.Query7;
import org.apache.beam.sdk.nexmark.queries.Query8;
import org.apache.beam.sdk.nexmark.queries.Query9;

/** Beam's Java Nexmark queries 0 to 12 by number (the suite's own mapping in NexmarkLauncher). */
public final class NexmarkQueries {

  /** The highest query number this driver runs. 13 and 14 need side-input files. */
  public static final int MAX_QUERY = 12;

  private NexmarkQueries() {}

  /** A configuration for {@code query} over {@code numEvents} events, otherwise Nexmark's defaults. */
  public static NexmarkConfiguration configuration(int query, long numEvents) {
    NexmarkConfiguration configuration = NexmarkConfiguration.DEFAULT.copy();
    configuration.query = NexmarkQueryName.fromNumber(query);
    configuration.numEvents = numEvents;
    return configuration;
  }

  /** The query transform, wrapped as the suite wraps it (timestamps each result, counts events). */
  @SuppressWarnings({"rawtypes", "unchecked"})
  public static NexmarkQuery<KnownSize> create(int query, NexmarkConfiguration configuration, int parallelism) {
    NexmarkQueryTransform transform =
        switch (query) {
          case 0 -> new Query0();
          case 1 -> new Query1(configuration);
          case 2 -> new Query2(configuration);
          case 3 -> new Query3(configuration);
          case 4 -> new Query4(configuration);
          case 5 -> new Query5(configuration);
          case 6 -> new Query6(configuration);
          case 7 -> new Query7(configuration);
          case 8 -> new Query8(configuration);
          case 9 -> new Query9(configuration);
          case 10 -> query10(configuration, parallelism);
          case 11 -> new Query11(configuration);
          case 12 -> new Query12(configuration);
          default -> throw new IllegalArgumentException(
              "Query " + query + " is not supported; expected 0.." + MAX_QUERY);
        };
    return new NexmarkQuery<>(configuration, transform);
  }

  /**
   * Query 10 shards by the number of workers (it divides by it, so it must be set, as the suite's
   * launcher does) and has no output path: the suite's dry run, as its GCS writes were removed.
   */
  private static Query10 query10(NexmarkConfiguration configuration, int parallelism) {
    Query10 query10 = new Query10(configuration);
    query10.setMaxNumWorkers(Math.max(1, parallelism));
    return query10;
  }
}
