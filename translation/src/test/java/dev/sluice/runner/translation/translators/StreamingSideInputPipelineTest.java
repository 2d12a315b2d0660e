package dev.sluice.runner.translation.translators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.runner.translation.testing.TestPipelines;
import dev.sluice.runner.translation.translators.PrimitivePipelineTest.Backend;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An unbounded (TestStream) side input of a streaming ParDo, in fixed windows: main-input
 * elements wait for their side-input window, and a window without side data reads as empty once
 * the side watermark passed it. Translation used to reject unbounded side inputs.
 */
class StreamingSideInputPipelineTest {

  @ParameterizedTest
  @EnumSource(Backend.class)
  void shouldJoinEachMainWindowWithItsSideInputWindow(Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    Window<String> tenMillis = Window.into(FixedWindows.of(Duration.millis(10)));
    PCollectionView<Iterable<String>> side = p
        .apply("Side", TestStream.create(StringUtf8Coder.of())
            .addElements(TimestampedValue.of("s1", new Instant(1)), TimestampedValue.of("s2", new Instant(7)))
            .advanceWatermarkTo(new Instant(25))
            .addElements(TimestampedValue.of("s3", new Instant(31)))
            .advanceWatermarkToInfinity())
        .apply("SideWindows", tenMillis)
        .apply(View.asIterable());
    PCollection<String> out = p
        .apply("Main", TestStream.create(StringUtf8Coder.of())
            .addElements(TimestampedValue.of("a", new Instant(2)), TimestampedValue.of("b", new Instant(15)))
            .addElements(TimestampedValue.of("c", new Instant(33)))
            .advanceWatermarkToInfinity())
        .apply("MainWindows", tenMillis)
        .apply("Join", ParDo.of(new JoinFn(side)).withSideInputs(side));
    String id = TestPipelines.collect(out, "Collect");

    backend.run(TestPipelines.translate(p, 2, true));

    assertThat(TestPipelines.collected(id)).containsExactlyInAnyOrder("a=[s1, s2]", "b=[]", "c=[s3]");
  }

  static final class JoinFn extends DoFn<String, String> {
    private final PCollectionView<Iterable<String>> view;

    JoinFn(PCollectionView<Iterable<String>> view) {
      this.view = view;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      List<String> values = new ArrayList<>();
      c.sideInput(view).forEach(values::add);
      values.sort(null);
      c.output(c.element() + "=" + values);
    }
  }
}
