package dev.sluice.runner.translation.operators;

import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.state.StateContext;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.CombineFnBase.GlobalCombineFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CombineFnUtil;
import org.apache.beam.sdk.values.PCollectionView;

/** Turns any {@link GlobalCombineFn} without side inputs into a plain {@link CombineFn}. */
final class CombineFns {

  private CombineFns() {}

  /**
   * A {@code CombineFnWithContext} sees the pipeline options; it has no side inputs (the
   * translator leaves combines with side inputs to the expansion).
   */
  @SuppressWarnings("unchecked")
  static <InputT, AccumT, OutputT> CombineFn<InputT, AccumT, OutputT> bind(
      GlobalCombineFn<?, ?, ?> fn, PipelineOptions options) {
    if (fn instanceof CombineFn<?, ?, ?> plain) {
      return (CombineFn<InputT, AccumT, OutputT>) plain;
    }
    return CombineFnUtil.bindContext(
        CombineFnUtil.toFnWithContext((GlobalCombineFn<InputT, AccumT, OutputT>) fn),
        new StateContext<BoundedWindow>() {
          @Override
          public PipelineOptions getPipelineOptions() {
            return options;
          }

          @Override
          public <T> T sideInput(PCollectionView<T> view) {
            throw new UnsupportedOperationException(
                "Combine without side inputs asked for side input " + view.getTagInternal().getId());
          }

          @Override
          public BoundedWindow window() {
            throw new UnsupportedOperationException("A combine function has no window here");
          }
        });
  }
}
