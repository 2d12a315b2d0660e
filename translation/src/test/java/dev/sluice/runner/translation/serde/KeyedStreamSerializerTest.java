package dev.sluice.runner.translation.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class KeyedStreamSerializerTest {

  private static final Coder<WindowedValue<Integer>> VALUE_CODER =
      WindowedValue.getFullCoder(VarIntCoder.of(), IntervalWindow.getCoder());

  @Test
  void shouldReadBackKeyBytesKeyAndValueAndHashTheKeyAsTheKeySelectorDoes() throws Exception {
    KeyedStreamSerializer<String, Integer> serializer = new KeyedStreamSerializer<>(StringUtf8Coder.of(), VALUE_CODER);
    KvKeySelector<String> selector = new KvKeySelector<>(StringUtf8Coder.of());
    IntervalWindow window = new IntervalWindow(new Instant(0), new Instant(10));
    WindowedValue<KV<String, Integer>> first = WindowedValue.of(KV.of("a", 1), new Instant(3), window, PaneInfo.NO_FIRING);
    WindowedValue<KV<String, Integer>> second =
        WindowedValue.of(KV.of("x".repeat(300), 300), new Instant(7), window, PaneInfo.NO_FIRING);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int firstHash = serializer.serializeAndHashKey(first, out);
    int secondHash = serializer.serializeAndHashKey(second, out);
    serializer.serialize(first, out);
    ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
    KeyedElement readFirst = (KeyedElement) serializer.deserialize(in);
    KeyedElement readSecond = (KeyedElement) serializer.deserialize(in);
    KeyedElement readThird = (KeyedElement) serializer.deserialize(in);

    assertThat(in.available()).isZero();
    assertThat(firstHash).isEqualTo(selector.getKey(first).hashCode());
    assertThat(secondHash).isEqualTo(selector.getKey(second).hashCode());
    assertThat(readFirst.encodedKey()).isEqualTo(selector.getKey(first));
    assertThat(readFirst.key()).isEqualTo("a");
    assertThat(readFirst.value()).isEqualTo(first.withValue(1));
    assertThat(readSecond.encodedKey()).isEqualTo(selector.getKey(second));
    assertThat(readSecond.key()).isEqualTo("x".repeat(300));
    assertThat(readSecond.value()).isEqualTo(second.withValue(300));
    assertThat(readThird).isEqualTo(readFirst);
  }
}
