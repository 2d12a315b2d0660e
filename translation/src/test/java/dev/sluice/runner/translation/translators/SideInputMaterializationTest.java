package dev.sluice.runner.translation.translators;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.beam.sdk.Pipeline;
import dev.sluice.runner.translation.testing.TestPipelines;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.apache.beam.sdk.values.WindowingStrategy.AccumulationMode;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

class SideInputMaterializationTest {

  private final Pipeline pipeline = TestPipelines.create();

  private PCollection<Long> triggered(AccumulationMode mode) {
    Window<Long> window = Window.<Long>into(FixedWindows.of(Duration.standardSeconds(1)))
        .triggering(Repeatedly.forever(AfterProcessingTime.pastFirstElementInPane()))
        .withAllowedLateness(Duration.ZERO);
    window = mode == AccumulationMode.DISCARDING_FIRED_PANES ? window.discardingFiredPanes() : window.accumulatingFiredPanes();
    return pipeline.apply(Create.of(1L, 2L)).apply(window);
  }

  @SuppressWarnings("unchecked")
  private static WindowingStrategy<?, BoundedWindow> windowingOf(PCollectionView<?> view) {
    return SideInputMaterialization.materializationWindowing(
        view, (WindowingStrategy<?, BoundedWindow>) view.getPCollection().getWindowingStrategy());
  }

  @Test
  void shouldCutATriggeredSingletonIntoOnePanePerElementSoItShowsTheLatest() {
    PCollectionView<Long> view = triggered(AccumulationMode.ACCUMULATING_FIRED_PANES).apply(View.asSingleton());

    WindowingStrategy<?, BoundedWindow> windowing = windowingOf(view);

    assertThat(windowing.getTrigger()).isEqualTo(Repeatedly.forever(AfterPane.elementCountAtLeast(1)));
    assertThat(windowing.getMode()).isEqualTo(AccumulationMode.DISCARDING_FIRED_PANES);
    assertThat(windowing.getWindowFn()).isEqualTo(view.getPCollection().getWindowingStrategy().getWindowFn());
  }

  @Test
  void shouldKeepTheDefaultTriggerOfASingletonSoSeveralElementsStillFail() {
    PCollectionView<Long> view = pipeline.apply(Create.of(1L, 2L)).apply(View.asSingleton());

    assertThat(windowingOf(view)).isSameAs(view.getPCollection().getWindowingStrategy());
  }

  @Test
  void shouldKeepTheTriggerOfOtherViews() {
    PCollectionView<?> view = triggered(AccumulationMode.DISCARDING_FIRED_PANES).apply(View.asList());

    assertThat(windowingOf(view)).isSameAs(view.getPCollection().getWindowingStrategy());
  }
}
