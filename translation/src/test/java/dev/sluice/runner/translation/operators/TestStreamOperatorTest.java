package dev.sluice.runner.translation.operators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.SourceOperator.Status;
import dev.sluice.runner.translation.operators.TestStreamOperator.Step;
import dev.sluice.runner.translation.testing.OperatorHarness;
import java.util.List;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.WindowedValue;
import org.junit.jupiter.api.Test;

class TestStreamOperatorTest {

  @Test
  void shouldReplayProcessingTimeAdvancesOnTheSyntheticClockAndEmitABarrierAfterEachEvent() throws Exception {
    TestStreamOperator<Integer> op = new TestStreamOperator<>(VarIntCoder.of(), List.of(
        element(1, 10), element(2, 20), new Step(Step.Kind.END_OF_EVENT, 0, null),
        new Step(Step.Kind.PROCESSING_TIME, 60_000, null),
        new Step(Step.Kind.WATERMARK, 30, null),
        new Step(Step.Kind.PROCESSING_TIME, 5_000, null)));
    OperatorHarness h = new OperatorHarness(op).startProcessingTimeAt(-1_000_000);

    assertThat(op.emitNext(h.output())).isEqualTo(Status.END_OF_INPUT);

    assertThat(h.values(0).stream().<Object>map(v -> ((WindowedValue<?>) v).getValue()).toList()).containsExactly(1, 2);
    assertThat(h.watermarks()).containsExactly(30L);
    assertThat(h.emittedProcessingTimes()).as("barrier, +60 s, barrier after the watermark, +5 s")
        .containsExactly(-1_000_000L, -940_000L, -940_000L, -935_000L);
    assertThat(h.processingTime()).isEqualTo(-935_000L);
  }

  @Test
  void shouldSaturateInsteadOfOverflowing() {
    assertThat(TestStreamOperator.advanced(Long.MAX_VALUE - 5, 10)).isEqualTo(Long.MAX_VALUE);
    assertThat(TestStreamOperator.advanced(-100, 30)).isEqualTo(-70);
  }

  private static Step element(int value, long timestamp) throws Exception {
    return new Step(Step.Kind.ELEMENT, timestamp, CoderUtils.encodeToByteArray(VarIntCoder.of(), value));
  }
}
