package dev.sluice.runner.translation.translators;

import dev.sluice.engine.graph.JobConfig;
import dev.sluice.engine.graph.JobGraphBuilder;
import dev.sluice.runner.translation.TransformTranslator;
import dev.sluice.runner.translation.TranslationContext;
import dev.sluice.runner.translation.operators.TestStreamOperator;
import dev.sluice.runner.translation.operators.TestStreamOperator.Step;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.TimestampedValue;

/**
 * {@code TestStream} ({@code beam:transform:test_stream:v1}): a {@link TestStreamOperator} at
 * parallelism 1, its events encoded at translation with the stream's value coder.
 *
 * <p>Puts the whole job on the engine's synthetic processing time, starting at
 * {@link BoundedWindow#TIMESTAMP_MIN_VALUE} as Beam's test clock (the Direct runner's) does, so
 * that processing-time advances of the stream are replayed deterministically and take no real
 * time (see {@link TestStreamOperator}).
 */
public final class TestStreamTranslator<T> implements TransformTranslator<TestStream<T>> {

  @Override
  public void translate(TestStream<T> transform, TranslationContext context) throws Exception {
    Coder<T> coder = transform.getValueCoder();
    List<Step> steps = new ArrayList<>();
    for (TestStream.Event<T> event : transform.getEvents()) {
      if (event instanceof TestStream.ElementEvent<T> elements) {
        for (TimestampedValue<T> tv : elements.getElements()) {
          steps.add(new Step(Step.Kind.ELEMENT, tv.getTimestamp().getMillis(), CoderUtils.encodeToByteArray(coder, tv.getValue())));
        }
        steps.add(new Step(Step.Kind.END_OF_EVENT, 0, null));
      } else if (event instanceof TestStream.WatermarkEvent<T> watermark) {
        steps.add(new Step(Step.Kind.WATERMARK, watermark.getWatermark().getMillis(), null));
      } else if (event instanceof TestStream.ProcessingTimeEvent<T> processingTime) {
        steps.add(new Step(Step.Kind.PROCESSING_TIME, processingTime.getProcessingTimeAdvance().getMillis(), null));
      } else {
        throw new IllegalArgumentException(
            "TestStream '" + context.currentName() + "' has an event of unknown type " + event.getClass().getName());
      }
    }
    useSyntheticProcessingTime(context.builder());
    int node = context.addOperator(context.currentName(), () -> new TestStreamOperator<>(coder, steps), 1, 0, 1);
    context.setProducer(context.output(), node, 0);
  }

  /** Every task of the job gets its processing time from the replayed stream, not the wall clock. */
  static void useSyntheticProcessingTime(JobGraphBuilder builder) {
    builder.setConfig(JobConfig.PROCESSING_TIME_MODE, JobConfig.PROCESSING_TIME_SYNTHETIC);
    builder.setConfig(JobConfig.SYNTHETIC_PROCESSING_TIME_START,
        Long.toString(BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis()));
  }
}
