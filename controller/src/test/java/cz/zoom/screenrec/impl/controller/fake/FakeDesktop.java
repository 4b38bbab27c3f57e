package cz.zoom.screenrec.impl.controller.fake;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;

/**
 * A desktop that constructs a starter and forgets it (the legacy habit), then lets main return when
 * stdin says so: the JVM must still exit (only daemon threads) and the shutdown hook must take the
 * client down with it. Args: controller location, agent, server.
 */
public final class FakeDesktop {
  public static void main(String[] args) throws Exception {
    URLClassLoader loader =
        new URLClassLoader(
            new URL[] {Path.of(args[0]).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    Class<?> starter =
        Class.forName("cz.zoom.screenrec.impl.controller.ScreenRecorderStarter", true, loader);
    starter.getConstructor(String.class, List.class).newInstance(args[1], List.of(args[2]));
    System.out.println("STARTED");
    System.out.flush();
    while (System.in.read() >= 0) {
      // until the test closes our stdin
    }
  }
}
