package dev.sluice.runner.translation.operators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.Watermarks;
import dev.sluice.runner.translation.testing.OperatorHarness;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.util.WindowedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class StatelessOperatorsTest {

  @Test
  void shouldAssignWindowsKeepingTimestampAndPane() throws Exception {
    PaneInfo pane = PaneInfo.createPane(true, false, PaneInfo.Timing.EARLY);
    try (OperatorHarness h = new OperatorHarness(new AssignWindowsOperator<>(FixedWindows.of(Duration.millis(10))))) {
      h.process(0, WindowedValue.of("x", new Instant(13), GlobalWindow.INSTANCE, pane), 13);
      h.watermark(0, 20);

      WindowedValue<?> out = (WindowedValue<?>) h.values(0).get(0);
      assertThat(out.getValue()).isEqualTo("x");
      assertThat(out.getTimestamp()).isEqualTo(new Instant(13));
      assertThat(out.getPane()).isEqualTo(pane);
      assertThat(new ArrayList<BoundedWindow>(out.getWindows()))
          .containsExactly(new IntervalWindow(new Instant(10), new Instant(20)));
      assertThat(h.emitted().get(0).timestamp()).isEqualTo(13);
      assertThat(h.watermarks()).containsExactly(20L);
    }
  }

  @Test
  void shouldReassignEachWindowOfAMultiWindowElement() throws Exception {
    IntervalWindow w1 = new IntervalWindow(new Instant(0), new Instant(100));
    IntervalWindow w2 = new IntervalWindow(new Instant(50), new Instant(150));
    try (OperatorHarness h = new OperatorHarness(new AssignWindowsOperator<>(FixedWindows.of(Duration.millis(10))))) {
      h.process(0, WindowedValue.of("x", new Instant(55), List.of(w1, w2), PaneInfo.NO_FIRING), 55);
      assertThat(h.values(0)).hasSize(2);
    }
  }

  @Test
  void shouldPassElementsThroughAReshuffleUnchanged() throws Exception {
    WindowedValue<String> in = WindowedValue.of("x", new Instant(5), GlobalWindow.INSTANCE, PaneInfo.ON_TIME_AND_ONLY_FIRING);
    try (OperatorHarness h = new OperatorHarness(new IdentityOperator())) {
      h.process(0, in, 5).endInputsAndFinish(0);
      assertThat(h.values(0)).containsExactly(in);
      assertThat(h.watermarks()).containsExactly(Watermarks.MAX);
    }
  }
}
