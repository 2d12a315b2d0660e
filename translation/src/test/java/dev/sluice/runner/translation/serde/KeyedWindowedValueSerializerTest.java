package dev.sluice.runner.translation.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class KeyedWindowedValueSerializerTest {

  private static final Coder<WindowedValue<Integer>> VALUE_CODER =
      WindowedValue.getFullCoder(VarIntCoder.of(), IntervalWindow.getCoder());

  @Test
  void shouldReadBackTheEncodedKeyAndWindowedValueOfEachElement() throws Exception {
    KeyedWindowedValueSerializer<String, Integer> serializer =
        new KeyedWindowedValueSerializer<>(StringUtf8Coder.of(), VALUE_CODER);
    IntervalWindow window = new IntervalWindow(new Instant(0), new Instant(10));
    WindowedValue<KV<String, Integer>> first = WindowedValue.of(KV.of("a", 1), new Instant(3), window, PaneInfo.NO_FIRING);
    WindowedValue<KV<String, Integer>> second =
        WindowedValue.of(KV.of("x".repeat(300), 300), new Instant(7), window, PaneInfo.NO_FIRING);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    serializer.serialize(first, out);
    serializer.serialize(second, out);
    ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
    KeyedBytes readFirst = (KeyedBytes) serializer.deserialize(in);
    KeyedBytes readSecond = (KeyedBytes) serializer.deserialize(in);

    assertThat(in.available()).isZero();
    assertThat(readFirst.key()).isEqualTo(nested(StringUtf8Coder.of(), "a"));
    assertThat(readFirst.windowedValue()).isEqualTo(nested(VALUE_CODER, first.withValue(1)));
    assertThat(readSecond.key()).isEqualTo(nested(StringUtf8Coder.of(), "x".repeat(300)));
    assertThat(CoderUtils.decodeFromByteArray(VALUE_CODER, readSecond.windowedValue()).getValue()).isEqualTo(300);
  }

  private static <T> byte[] nested(Coder<T> coder, T value) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    coder.encode(value, out);
    return out.toByteArray();
  }
}
