package dev.sluice.runner.translation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.runner.translation.testing.TestPipelines;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Keys;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

class ProcessingTimeTriggersTest {

  @Test
  void shouldFindProcessingTimeNestedAnywhereInATrigger() {
    assertThat(ProcessingTimeTriggers.dependsOnProcessingTime(
        AfterProcessingTime.pastFirstElementInPane().plusDelayOf(Duration.millis(5)))).isTrue();
    assertThat(ProcessingTimeTriggers.dependsOnProcessingTime(
        AfterWatermark.pastEndOfWindow()
            .withEarlyFirings(AfterPane.elementCountAtLeast(3))
            .withLateFirings(AfterProcessingTime.pastFirstElementInPane()))).isTrue();
    assertThat(ProcessingTimeTriggers.dependsOnProcessingTime(
        Repeatedly.forever(AfterPane.elementCountAtLeast(2)).orFinally(AfterWatermark.pastEndOfWindow()))).isFalse();
    assertThat(ProcessingTimeTriggers.dependsOnProcessingTime(
        AfterWatermark.pastEndOfWindow().withEarlyFirings(AfterPane.elementCountAtLeast(1)))).isFalse();
    // The continuation of a processing-time trigger (what a downstream GroupByKey inherits).
    assertThat(ProcessingTimeTriggers.dependsOnProcessingTime(
        AfterProcessingTime.pastFirstElementInPane().getContinuationTrigger())).isTrue();
  }

  @Test
  void shouldNameEveryCollectionTriggeredByProcessingTime() {
    Pipeline p = TestPipelines.create();
    PCollection<KV<Integer, Long>> counted = p.apply("Numbers", Create.of(1, 2, 3))
        .apply("Windowed", Window.<Integer>into(FixedWindows.of(Duration.standardMinutes(1)))
            .triggering(Repeatedly.forever(AfterProcessingTime.pastFirstElementInPane()))
            .withAllowedLateness(Duration.ZERO)
            .discardingFiredPanes())
        .apply("Count", Count.perElement());
    counted.apply("Keys", Keys.create());

    List<String> found = ProcessingTimeTriggers.collectionsTriggeredByProcessingTime(p);
    // Topological order: the first is where the trigger was set; the grouping inherits its continuation.
    assertThat(found.get(0)).isEqualTo("Windowed/Window.Assign.out (produced by 'Windowed/Window.Assign') is triggered by "
        + "Repeatedly.forever(AfterProcessingTime.pastFirstElementInPane())");
    assertThat(found).anySatisfy(d -> assertThat(d).contains("GroupByKey.out").contains("AfterSynchronizedProcessingTime"));
    assertThat(found).noneSatisfy(d -> assertThat(d).startsWith("Numbers"));
  }

  @Test
  void shouldFindNothingInAPipelineTriggeredByWatermarkAndCounts() {
    Pipeline p = TestPipelines.create();
    p.apply("Numbers", Create.of(1, 2, 3))
        .apply("Windowed", Window.<Integer>into(FixedWindows.of(Duration.standardMinutes(1)))
            .triggering(AfterWatermark.pastEndOfWindow().withEarlyFirings(AfterPane.elementCountAtLeast(2)))
            .withAllowedLateness(Duration.ZERO)
            .accumulatingFiredPanes())
        .apply("Count", Count.perElement());

    assertThat(ProcessingTimeTriggers.collectionsTriggeredByProcessingTime(p)).isEmpty();
  }
}
