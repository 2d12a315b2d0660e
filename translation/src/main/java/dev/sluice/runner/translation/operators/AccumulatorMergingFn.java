package dev.sluice.runner.translation.operators;

import java.util.Arrays;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.CombineFnBase.GlobalCombineFn;

/**
 * The receiving half of a lifted combine as a {@link CombineFn} whose inputs are the sender's
 * accumulators ({@link PartialCombineOperator} output): adding an input merges it into the
 * accumulator; merging, compacting and extracting are the original function's. Lets the streaming
 * GroupByKey keep one accumulator per key and window (runners-core's combining reduce function)
 * over partials instead of raw inputs.
 *
 * <p>The original function is bound to the pipeline options on first use ({@link CombineFns#bind}):
 * this object travels to the tasks serialized.
 */
public final class AccumulatorMergingFn<AccumT, OutputT> extends CombineFn<AccumT, AccumT, OutputT> {

  private final GlobalCombineFn<?, ?, ?> fn;
  private final SerializablePipelineOptions options;
  private transient CombineFn<Object, AccumT, OutputT> bound;

  public AccumulatorMergingFn(GlobalCombineFn<?, ?, ?> fn, SerializablePipelineOptions options) {
    this.fn = fn;
    this.options = options;
  }

  private CombineFn<Object, AccumT, OutputT> bound() {
    if (bound == null) {
      bound = CombineFns.bind(fn, options.get());
    }
    return bound;
  }

  @Override
  public AccumT createAccumulator() {
    return bound().createAccumulator();
  }

  @Override
  public AccumT addInput(AccumT accumulator, AccumT partial) {
    return bound().mergeAccumulators(Arrays.asList(accumulator, partial));
  }

  @Override
  public AccumT mergeAccumulators(Iterable<AccumT> accumulators) {
    return bound().mergeAccumulators(accumulators);
  }

  @Override
  public AccumT compact(AccumT accumulator) {
    return bound().compact(accumulator);
  }

  @Override
  public OutputT extractOutput(AccumT accumulator) {
    return bound().extractOutput(accumulator);
  }
}
