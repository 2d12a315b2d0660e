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

  @Test
  void shouldLeaveAnIdleChannelOutOfTheMinimum() {
    WatermarkValve valve = new WatermarkValve(2);
    valve.onWatermark(0, 10);
    assertThat(valve.current()).as("channel 1 still at MIN").isEqualTo(Watermarks.MIN);

    assertThat(valve.onStreamStatus(1, true)).isTrue();
    assertThat(valve.current()).isEqualTo(10);
    assertThat(valve.isIdle()).isFalse();
    assertThat(valve.onWatermark(0, 40)).isTrue();
    assertThat(valve.current()).isEqualTo(40);
  }

  @Test
  void shouldHoldFurtherAdvancesBackUntilAChannelThatIsActiveAgainCatchesUp() {
    WatermarkValve valve = new WatermarkValve(2);
    valve.onStreamStatus(1, true);
    valve.onWatermark(0, 40);
    assertThat(valve.current()).isEqualTo(40);

    assertThat(valve.onStreamStatus(1, false)).as("channel 1 at MIN: no advance").isFalse();
    assertThat(valve.current()).as("never goes back").isEqualTo(40);
    assertThat(valve.onWatermark(0, 60)).isFalse();
    assertThat(valve.onWatermark(1, 50)).isTrue();
    assertThat(valve.current()).isEqualTo(50);
  }

  @Test
  void shouldStayAndBeIdleWhenNoChannelIsActive() {
    WatermarkValve valve = new WatermarkValve(2);
    valve.onWatermark(0, 10);
    valve.onWatermark(1, 20);
    assertThat(valve.onStreamStatus(0, true)).isTrue();
    assertThat(valve.current()).isEqualTo(20);
    assertThat(valve.onStreamStatus(1, true)).as("nothing active to take a minimum over").isFalse();
    assertThat(valve.isIdle()).isTrue();
    assertThat(valve.current()).isEqualTo(20);

    assertThat(valve.onChannelEnded(1)).isFalse();
    assertThat(valve.isIdle()).as("ended and idle channels only").isTrue();
    assertThat(valve.onChannelEnded(0)).isTrue();
    assertThat(valve.isIdle()).isFalse();
    assertThat(valve.current()).isEqualTo(Watermarks.MAX);
  }

  @Test
  void shouldIgnoreARepeatedStatusAndStatusOfAnEndedChannel() {
    WatermarkValve valve = new WatermarkValve(2);
    valve.onWatermark(1, 5);
    assertThat(valve.onStreamStatus(0, false)).isFalse();
    valve.onChannelEnded(0);
    assertThat(valve.current()).isEqualTo(5);
    assertThat(valve.onStreamStatus(0, true)).isFalse();
    assertThat(valve.isIdle()).isFalse();
  }
}
