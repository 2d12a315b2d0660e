package dev.sluice.nexmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the raw result lines of a query run into a sorted list that is the same on every correct
 * runner: what is deterministic about the query's output in batch.
 *
 * <ul>
 *   <li>Queries 0-2, 4, 5 and 7-10 fire once per window (default trigger) or not at all: every
 *       result, with its timestamp, as a multiset ({@link Comparison#EXACT}).
 *   <li>Query 3 joins persons and auctions in a stateful DoFn and emits a match at the timestamp of
 *       whichever of the two arrives second; in batch the arrival order within a key is not defined
 *       (Beam guarantees none), so the timestamps legitimately differ between runners. Compared:
 *       every result without its timestamp ({@link Comparison#VALUES}), as Beam's own Query3Model does.
 *   <li>Query 6 fires an accumulating pane per winning bid in the global window: how many panes
 *       fire depends on bundling, but the last pane of each seller holds the mean of all of its
 *       (last 10) winning bids. Compared: the value of the highest pane index per seller
 *       ({@link Comparison#LAST_PANE_PER_KEY}).
 *   <li>Query 11 (sessions, count trigger) and 12 (processing-time trigger) discard fired panes:
 *       how bids are split among panes depends on arrival and on the clock, their sum per bidder
 *       does not. Compared: total bids per bidder ({@link Comparison#SUM_PER_KEY}).
 * </ul>
 */
public final class ResultNormalizer {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How the results of a query are compared between runners. */
  public enum Comparison {
    EXACT("every result with its timestamp"),
    VALUES("every result, timestamps ignored"),
    LAST_PANE_PER_KEY("final (highest pane) value per seller"),
    SUM_PER_KEY("total bids per bidder over all panes");

    private final String description;

    Comparison(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  private ResultNormalizer() {}

  public static Comparison comparisonFor(int query) {
    return switch (query) {
      case 3 -> Comparison.VALUES;
      case 6 -> Comparison.LAST_PANE_PER_KEY;
      case 11, 12 -> Comparison.SUM_PER_KEY;
      default -> Comparison.EXACT;
    };
  }

  /** The sorted, runner-independent form of {@code lines} (as written by {@link ResultLineFn}). */
  public static List<String> normalize(int query, Collection<String> lines) {
    List<String> normalized = new ArrayList<>(lines.size());
    switch (comparisonFor(query)) {
      case EXACT -> {
        for (String line : lines) {
          ResultLine result = ResultLine.parse(line);
          normalized.add(result.json() + " @" + result.timestampMillis());
        }
      }
      case VALUES -> {
        for (String line : lines) {
          normalized.add(ResultLine.parse(line).json());
        }
      }
      case LAST_PANE_PER_KEY -> {
        Map<Long, ResultLine> last = new TreeMap<>();
        for (String line : lines) {
          ResultLine result = ResultLine.parse(line);
          last.merge(field(result, "seller"), result, (a, b) -> b.paneIndex() > a.paneIndex() ? b : a);
        }
        last.values().forEach(result -> normalized.add(result.json()));
      }
      case SUM_PER_KEY -> {
        Map<Long, Long> sums = new TreeMap<>();
        for (String line : lines) {
          ResultLine result = ResultLine.parse(line);
          sums.merge(field(result, "personId"), field(result, "bidsPerSession"), Long::sum);
        }
        sums.forEach((key, sum) -> normalized.add(key + "=" + sum));
      }
    }
    normalized.sort(null);
    return normalized;
  }

  private static long field(ResultLine result, String name) {
    JsonNode node;
    try {
      node = JSON.readTree(result.json());
    } catch (IOException e) {
      throw new UncheckedIOException("Result is not JSON: " + result.json(), e);
    }
    JsonNode field = node.get(name);
    if (field == null || !field.canConvertToLong()) {
      throw new IllegalArgumentException("Result has no numeric field '" + name + "': " + result.json());
    }
    return field.asLong();
  }
}
