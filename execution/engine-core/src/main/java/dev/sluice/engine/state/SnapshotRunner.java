package dev.sluice.engine.state;

import java.io.IOException;

/**
 * The asynchronous part of a keyed state snapshot: {@link KeyedStateBackend#snapshot} does the
 * synchronous part on the mailbox thread and returns this; {@link #run()} may then be called
 * once, from any thread, while the task keeps processing. (The heap backend currently does all
 * work synchronously, so its runner only hands out the finished handle.)
 */
@FunctionalInterface
public interface SnapshotRunner {

  KeyedStateHandle run() throws IOException;
}
