/**
 * The task runtime: {@link dev.sluice.engine.task.Task} runs one subtask on one thread driven by
 * a {@link dev.sluice.engine.task.TaskMailbox} ({@code MailboxProcessor}: mail, then one input
 * step, else park). {@code OperatorChain} creates and wires the chained operators and the
 * output {@code RecordWriter}s; {@code StreamInputProcessor} / {@code SourceInputProcessor}
 * feed the head; {@link dev.sluice.engine.task.TaskEnvironment} holds the TaskManager-wide
 * services (class loader, temp dir, shuffle, timer thread). Uses {@code api}, {@code graph},
 * {@code network}, {@code time}; nothing below it uses {@code task}.
 */
package dev.sluice.engine.task;
