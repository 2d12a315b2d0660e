package dev.sluice.engine.task;

/**
 * The task's loop: run pending mail, then one step of the default action (read one input
 * element, or let the source emit a batch); when the action has nothing to do, park until mail
 * or data arrives. Never busy-waits.
 *
 * <h3>Threading model</h3>
 * {@link #runLoop()} runs on the task thread; {@link #stop()} may be called from any thread
 * (it is how cancellation breaks the loop).
 */
final class MailboxProcessor {

  /** The work the task does between mails. */
  @FunctionalInterface
  interface DefaultAction {
    /** @return false when there is nothing to do until the mailbox is signaled */
    boolean runStep() throws Exception;
  }

  private final TaskMailbox mailbox;
  private final DefaultAction action;
  private volatile boolean running = true;

  MailboxProcessor(TaskMailbox mailbox, DefaultAction action) {
    this.mailbox = mailbox;
    this.action = action;
  }

  void runLoop() throws Exception {
    while (running) {
      TaskMailbox.Mail mail;
      while (running && (mail = mailbox.tryTake()) != null) {
        mail.action().run();
      }
      if (running && !action.runStep()) {
        mailbox.park();
      }
    }
  }

  /** Ends the loop after the current step; any thread. */
  void stop() {
    running = false;
    mailbox.signal();
  }
}
