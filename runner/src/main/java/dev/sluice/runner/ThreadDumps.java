package dev.sluice.runner;

import java.util.Comparator;
import java.util.Map;

/** Renders the stacks of all live threads, for reports of jobs that did not end in time. */
final class ThreadDumps {

  private ThreadDumps() {}

  /** Every live thread with its state and its whole stack, sorted by name. */
  static String allThreads() {
    StringBuilder out = new StringBuilder();
    Map<Thread, StackTraceElement[]> stacks = Thread.getAllStackTraces();
    stacks.entrySet().stream()
        .sorted(Comparator.comparing(e -> e.getKey().getName()))
        .forEach(e -> {
          Thread t = e.getKey();
          out.append('"').append(t.getName()).append('"')
              .append(t.isDaemon() ? " daemon" : "")
              .append(" state=").append(t.getState()).append('\n');
          for (StackTraceElement frame : e.getValue()) {
            out.append("    at ").append(frame).append('\n');
          }
          out.append('\n');
        });
    return out.toString();
  }
}
