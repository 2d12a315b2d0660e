package dev.sluice.nexmark;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.UUID;
import org.apache.beam.sdk.transforms.DoFn;

/**
 * Appends each line to a file of its own bundle in a local directory ({@code part-<uuid>}).
 *
 * <p>A plain DoFn rather than TextIO: it needs no GroupByKey and no re-windowing, so it works the
 * same after any windowing or trigger of a query, on every runner, and costs little next to the
 * query. Only for local runs: the directory must be visible to every worker, and a retried bundle
 * would leave its earlier file behind (local runs do not retry).
 *
 * <p>Threading: one instance serves one bundle at a time (Beam's DoFn contract).
 */
final class WriteLinesFn extends DoFn<String, Void> {
  private final String directory;
  private transient BufferedWriter writer;

  WriteLinesFn(String directory) {
    this.directory = directory;
  }

  @ProcessElement
  public void processElement(@Element String line) throws IOException {
    if (writer == null) {
      Path file = Paths.get(directory, "part-" + UUID.randomUUID());
      writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }
    writer.write(line);
    writer.newLine();
  }

  @FinishBundle
  public void finishBundle() throws IOException {
    if (writer != null) {
      writer.close();
      writer = null;
    }
  }
}
