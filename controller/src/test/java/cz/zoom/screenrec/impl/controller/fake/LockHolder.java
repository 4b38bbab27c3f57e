package cz.zoom.screenrec.impl.controller.fake;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A live starter in another process, as far as the lock is concerned: locks DIR/instance.lock until
 * stdin closes.
 */
public final class LockHolder {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("owner.properties"),
        "kind=screenrec-controller-instance\npid=" + ProcessHandle.current().pid() + "\n");
    try (FileChannel ch =
            FileChannel.open(
                dir.resolve("instance.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      System.out.println("LOCKED");
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold the lock until the test closes our stdin
      }
    }
  }
}
