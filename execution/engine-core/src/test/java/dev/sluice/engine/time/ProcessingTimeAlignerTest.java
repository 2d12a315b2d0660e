package dev.sluice.engine.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcessingTimeAlignerTest {

  @Test
  void shouldCompleteOnlyWhenEveryOpenChannelDeliveredTheBarrier() {
    ProcessingTimeAligner aligner = new ProcessingTimeAligner(3);
    assertThat(aligner.onBarrier(0, 10)).isFalse();
    assertThat(aligner.isBlocked(0)).isTrue();
    assertThat(aligner.onBarrier(2, 10)).isFalse();
    assertThat(aligner.isAligning()).isTrue();

    assertThat(aligner.onBarrier(1, 10)).isTrue();
    assertThat(aligner.alignedTime()).isEqualTo(10);
    assertThat(aligner.isAligning()).isFalse();
    assertThat(aligner.isBlocked(0) || aligner.isBlocked(1) || aligner.isBlocked(2)).isFalse();
  }

  @Test
  void shouldNotWaitForEndedChannelsAndCompleteWhenTheLastOneMissingEnds() {
    ProcessingTimeAligner aligner = new ProcessingTimeAligner(3);
    assertThat(aligner.onChannelEnded(1)).as("nothing waiting").isFalse();
    assertThat(aligner.onBarrier(0, 7)).isFalse();
    assertThat(aligner.onChannelEnded(2)).as("channel 0 was only waiting for channel 2").isTrue();
    assertThat(aligner.alignedTime()).isEqualTo(7);
    assertThat(aligner.onBarrier(0, 8)).as("alone now").isTrue();
    assertThat(aligner.alignedTime()).isEqualTo(8);
  }

  @Test
  void shouldTakeTheLargestTimeAndNeverGoBack() {
    ProcessingTimeAligner aligner = new ProcessingTimeAligner(2);
    aligner.onBarrier(0, 50);
    assertThat(aligner.onBarrier(1, 30)).isTrue();
    assertThat(aligner.alignedTime()).isEqualTo(50);
    aligner.onBarrier(0, 40);
    assertThat(aligner.onBarrier(1, 40)).isTrue();
    assertThat(aligner.alignedTime()).isEqualTo(50);
  }

  @Test
  void shouldRejectASecondBarrierFromABlockedChannel() {
    ProcessingTimeAligner aligner = new ProcessingTimeAligner(2);
    aligner.onBarrier(0, 1);
    assertThatThrownBy(() -> aligner.onBarrier(0, 2)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("channel 0");
  }
}
