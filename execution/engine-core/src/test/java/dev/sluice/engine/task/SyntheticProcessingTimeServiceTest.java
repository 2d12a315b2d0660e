package dev.sluice.engine.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.ProcessingTimeService.Cancellable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticProcessingTimeServiceTest {

  private final TaskMailbox mailbox = new TaskMailbox();
  private final SyntheticProcessingTimeService time = new SyntheticProcessingTimeService(mailbox, 1000);
  private final List<String> fired = new ArrayList<>();

  @Test
  void shouldFireDueTimersInTimestampOrderWithTheClockAlreadyAdvanced() throws Exception {
    time.registerTimer(1030, t -> fired.add(t + "@" + time.currentTime()));
    time.registerTimer(1010, t -> fired.add(t + "@" + time.currentTime()));
    time.registerTimer(1010, t -> fired.add("second " + t));
    time.registerTimer(1050, t -> fired.add(t + "@" + time.currentTime()));

    time.advanceTo(1030);

    assertThat(fired).containsExactly("1010@1030", "second 1010", "1030@1030");
    assertThat(time.pendingTimers()).isEqualTo(1);
    assertThat(time.currentTime()).isEqualTo(1030);
  }

  @Test
  void shouldFireTimersThatCallbacksSetWithinTheNewTimeInTheSameAdvance() throws Exception {
    time.registerTimer(1010, t -> {
      fired.add("a");
      time.registerTimer(1020, u -> fired.add("b"));
      time.registerTimer(1100, u -> fired.add("late"));
    });
    time.advanceTo(1050);
    assertThat(fired).containsExactly("a", "b");
  }

  @Test
  void shouldNeverGoBackNorFireCancelledTimers() throws Exception {
    Cancellable c = time.registerTimer(1010, t -> fired.add("cancelled"));
    c.cancel();
    time.advanceTo(2000);
    time.advanceTo(1500);
    assertThat(time.currentTime()).isEqualTo(2000);
    assertThat(fired).isEmpty();
  }

  @Test
  void shouldHandATimerThatIsAlreadyDueToTheMailboxInsteadOfCallingBack() throws Exception {
    time.registerTimer(999, t -> fired.add("due " + t));
    assertThat(fired).as("not from inside registerTimer").isEmpty();
    TaskMailbox.Mail mail = mailbox.tryTake();
    assertThat(mail).isNotNull();
    mail.action().run();
    assertThat(fired).containsExactly("due 999");
  }

  @Test
  void shouldDropPendingTimersAtShutdown() throws Exception {
    time.registerTimer(1010, t -> fired.add("x"));
    time.shutdown();
    time.advanceTo(2000);
    time.registerTimer(2000, t -> fired.add("y"));
    assertThat(fired).isEmpty();
    assertThat(mailbox.tryTake()).isNull();
  }
}
