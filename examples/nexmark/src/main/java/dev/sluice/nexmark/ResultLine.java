package dev.sluice.nexmark;

/**
 * One result of a query run as written to the results directory: {@code json<TAB>timestampMillis<TAB>paneIndex}.
 * The value's JSON (Nexmark's model classes print themselves as JSON) never holds a tab.
 */
record ResultLine(String json, long timestampMillis, long paneIndex) {

  String format() {
    return json + '\t' + timestampMillis + '\t' + paneIndex;
  }

  static ResultLine parse(String line) {
    int second = line.lastIndexOf('\t');
    int first = line.lastIndexOf('\t', second - 1);
    if (first < 0) {
      throw new IllegalArgumentException("Not a result line (json<TAB>timestamp<TAB>pane): " + line);
    }
    return new ResultLine(
        line.substring(0, first),
        Long.parseLong(line.substring(first + 1, second)),
        Long.parseLong(line.substring(second + 1)));
  }
}
