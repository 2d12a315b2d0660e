/**
 * Time in the task: {@link dev.sluice.engine.time.WatermarkValve} merges the watermarks of an
 * input's channels, and {@link dev.sluice.engine.time.TimerServiceThread} is the one timer thread
 * a TaskManager shares between the processing-time services of its tasks (callbacks are handed
 * to each task's mailbox; no operator code runs on the timer thread).
 */
package dev.sluice.engine.time;
