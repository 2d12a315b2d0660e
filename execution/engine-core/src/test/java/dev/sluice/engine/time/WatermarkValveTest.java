package dev.sluice.engine.time;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.Watermarks;
import org.junit.jupiter.api.Test;

class WatermarkValveTest {

  @Test
  void shouldAdvanceOnlyWhenTheMinimumOverChannelsAdvances() {
    WatermarkValve valve = new WatermarkValve(3);
    assertThat(valve.onWatermark(0, 10)).isFalse();
    assertThat(valve.onWatermark(1, 20)).isFalse();
    assertThat(valve.current()).isEqualTo(Watermarks.MIN);
    assertThat(valve.onWatermark(2, 5)).isTrue();
    assertThat(valve.current()).isEqualTo(5);
    assertThat(valve.onWatermark(2, 30)).isTrue();
    assertThat(valve.current()).isEqualTo(10);
  }

  @Test
  void shouldIgnoreAWatermarkThatGoesBackwards() {
    WatermarkValve valve = new WatermarkValve(1);
    assertThat(valve.onWatermark(0, 10)).isTrue();
    assertThat(valve.onWatermark(0, 7)).isFalse();
    assertThat(valve.current()).isEqualTo(10);
  }

  @Test
  void shouldLetAnEndedChannelLeaveTheMinimum() {
    WatermarkValve valve = new WatermarkValve(2);
    valve.onWatermark(0, 10);
    valve.onWatermark(1, 50);
    assertThat(valve.current()).isEqualTo(10);
    assertThat(valve.onChannelEnded(0)).isTrue();
    assertThat(valve.current()).isEqualTo(50);
    assertThat(valve.allEnded()).isFalse();
    assertThat(valve.onWatermark(0, 100)).as("an ended channel is ignored").isFalse();
    assertThat(valve.onChannelEnded(1)).isTrue();
    assertThat(valve.current()).isEqualTo(Watermarks.MAX);
    assertThat(valve.allEnded()).isTrue();
    assertThat(valve.onChannelEnded(1)).isFalse();
  }

  @Test
  void shouldNotAdvanceWhenAnEndedChannelWasNotTheMinimum() {
    WatermarkValve valve = new WatermarkValve(2);
    valve.onWatermark(0, 10);
    valve.onWatermark(1, 50);
    assertThat(valve.onChannelEnded(1)).isFalse();
    assertThat(valve.current()).isEqualTo(10);
  }

  @Test
  void shouldBeAtMaxWithoutChannels() {
    WatermarkValve valve = new WatermarkValve(0);
    assertThat(valve.allEnded()).isTrue();
    assertThat(valve.current()).isEqualTo(Watermarks.MAX);
  }
}
