package dev.sluice.runner;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Collects a pipeline's strings in this JVM, for tests that watch output while a job still runs
 * (PAssert only reports at the end). Each sink has its own id, so concurrent tests don't mix.
 */
final class CollectingSink {

  private static final Map<String, List<String>> SINKS = new ConcurrentHashMap<>();

  private CollectingSink() {}

  /** Adds a step {@code name} that collects {@code pc}; returns the sink's id. */
  static String collect(PCollection<String> pc, String name) {
    String id = UUID.randomUUID().toString();
    SINKS.put(id, Collections.synchronizedList(new ArrayList<>()));
    pc.apply(name, ParDo.of(new CollectFn(id)));
    return id;
  }

  /** A copy of what sink {@code id} has received so far. */
  static List<String> collected(String id) {
    List<String> values = SINKS.get(id);
    synchronized (values) {
      return new ArrayList<>(values);
    }
  }

  private static final class CollectFn extends DoFn<String, Void> {
    private final String id;

    CollectFn(String id) {
      this.id = id;
    }

    @ProcessElement
    public void process(@Element String element) {
      SINKS.get(id).add(element);
    }
  }
}
