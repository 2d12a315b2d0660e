package dev.sluice.nexmark;

import org.apache.beam.sdk.nexmark.model.KnownSize;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.values.TimestampedValue;

/**
 * Formats one query result as a {@link ResultLine}: the value's JSON, its timestamp and the index
 * of the pane it was emitted in (which the normalization of triggered queries needs).
 */
final class ResultLineFn extends DoFn<TimestampedValue<KnownSize>, String> {

  @ProcessElement
  public void processElement(@Element TimestampedValue<KnownSize> result, PaneInfo pane, OutputReceiver<String> out) {
    out.output(new ResultLine(String.valueOf(result.getValue()), result.getTimestamp().getMillis(), pane.getIndex()).format());
  }
}
