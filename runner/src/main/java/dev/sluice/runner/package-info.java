/**
 * The Java SDK entry point: {@link dev.sluice.runner.SluiceRunner} ({@code --runner=SluiceRunner}),
 * its options, the ServiceLoader registrar, the pipeline result and
 * {@link dev.sluice.runner.TestSluiceRunner}. Translation lives in
 * {@code dev.sluice.runner.translation}; this package only validates options, translates, starts
 * a local cluster, submits and reports.
 */
package dev.sluice.runner;
