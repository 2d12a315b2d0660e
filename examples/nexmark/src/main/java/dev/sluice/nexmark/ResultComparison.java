package dev.sluice.nexmark;

import java.util.List;

/** Whether two normalized result lists are equal, with the first difference when they are not. */
public record ResultComparison(boolean matches, String summary) {

  /** Compares the sorted, normalized results of a run with those of the reference run. */
  public static ResultComparison compare(List<String> expected, List<String> actual) {
    if (expected.equals(actual)) {
      return new ResultComparison(true, "match (" + actual.size() + " normalized results)");
    }
    int common = Math.min(expected.size(), actual.size());
    int i = 0;
    while (i < common && expected.get(i).equals(actual.get(i))) {
      i++;
    }
    String first =
        i < common
            ? "first difference at #" + i + ": expected " + expected.get(i) + " but was " + actual.get(i)
            : i < expected.size()
                ? "missing from #" + i + ": " + expected.get(i)
                : "extra from #" + i + ": " + actual.get(i);
    return new ResultComparison(
        false,
        "MISMATCH (" + actual.size() + " normalized results, expected " + expected.size() + "); " + first);
  }
}
