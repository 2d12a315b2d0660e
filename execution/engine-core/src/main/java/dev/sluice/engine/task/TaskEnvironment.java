package dev.sluice.engine.task;

import java.io.File;

/**
 * The TaskManager's services a task uses. One per TaskManager, shared by its tasks.
 *
 * <p>Placeholder shape: the engine-runtime work fills in the network part (partition manager,
 * buffer pool) and keeps this the one object the TaskManager hands to each task.
 */
public final class TaskEnvironment {

  private final ClassLoader userClassLoader;
  private final File tempDirectory;

  public TaskEnvironment(ClassLoader userClassLoader, File tempDirectory) {
    this.userClassLoader = userClassLoader;
    this.tempDirectory = tempDirectory;
  }

  public ClassLoader userClassLoader() {
    return userClassLoader;
  }

  public File tempDirectory() {
    return tempDirectory;
  }
}
