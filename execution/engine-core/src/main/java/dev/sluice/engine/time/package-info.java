/**
 * Time in the task: {@link dev.sluice.engine.time.WatermarkValve} merges the watermarks of an
 * input's channels, and {@link dev.sluice.engine.time.TimerServiceThread} is the one timer thread
 * a TaskManager shares between the processing-time services of its tasks (callbacks are handed
 * to each task's mailbox; no operator code runs on the timer thread).
 * {@link dev.sluice.engine.time.ProcessingTimeAligner} aligns the in-band barriers of synthetic
 * processing time over a task's channels (jobs that replay a test stream).
 */
package dev.sluice.engine.time;
