package dev.sluice.examples;

import dev.sluice.runner.SluiceRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.Validation;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Counts the words of a text: read lines, split them into words, count each word, write
 * {@code word: count} lines. Runs on {@link SluiceRunner} unless {@code --runner} says otherwise.
 *
 * <pre>
 * bin/sluice wordcount --inputFile=README.md --output=/tmp/counts
 * </pre>
 */
public final class WordCount {

  /** Bundled text read when no {@code --inputFile} is given. */
  static final String SAMPLE_RESOURCE = "/dev/sluice/examples/sample.txt";

  private WordCount() {}

  /** Options of this example. */
  public interface WordCountOptions extends PipelineOptions {
    @Description("File (or glob) to read. Unset: a small text bundled with the example.")
    String getInputFile();

    void setInputFile(String inputFile);

    @Description("Prefix of the output files, e.g. /tmp/counts (writes /tmp/counts-00000-of-0000N).")
    @Validation.Required
    String getOutput();

    void setOutput(String output);
  }

  /** Splits a line into words (runs of letters, digits and apostrophes). */
  static final class ExtractWordsFn extends DoFn<String, String> {
    private final Counter emptyLines = Metrics.counter(ExtractWordsFn.class, "emptyLines");
    private final Distribution lineLength = Metrics.distribution(ExtractWordsFn.class, "lineLength");

    @ProcessElement
    public void processElement(@Element String line, OutputReceiver<String> out) {
      lineLength.update(line.length());
      if (line.isBlank()) {
        emptyLines.inc();
        return;
      }
      for (String word : line.split("[^\\p{L}\\p{N}']+")) {
        if (!word.isEmpty()) {
          out.output(word);
        }
      }
    }
  }

  public static void main(String[] args) {
    WordCountOptions options = PipelineOptionsFactory.fromArgs(args).withValidation().as(WordCountOptions.class);
    if (Arrays.stream(args).noneMatch(a -> a.startsWith("--runner"))) {
      options.setRunner(SluiceRunner.class);
    }
    PipelineResult.State state = run(options).waitUntilFinish();
    System.out.println("WordCount " + state + ": wrote " + options.getOutput() + "-*");
  }

  /** Builds and starts the pipeline. */
  public static PipelineResult run(WordCountOptions options) {
    Pipeline pipeline = Pipeline.create(options);
    PCollection<String> lines = options.getInputFile() == null
        ? pipeline.apply("ReadSample", Create.of(sampleLines()))
        : pipeline.apply("ReadLines", TextIO.read().from(options.getInputFile()));
    lines.apply("ExtractWords", ParDo.of(new ExtractWordsFn()))
        .apply("CountWords", Count.perElement())
        .apply("Format", MapElements.into(TypeDescriptors.strings()).via(kv -> kv.getKey() + ": " + kv.getValue()))
        .apply("WriteCounts", TextIO.write().to(options.getOutput()));
    return pipeline.run();
  }

  static List<String> sampleLines() {
    try (InputStream in = WordCount.class.getResourceAsStream(SAMPLE_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Sample text " + SAMPLE_RESOURCE + " is missing from the classpath");
      }
      return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the sample text " + SAMPLE_RESOURCE, e);
    }
  }
}
