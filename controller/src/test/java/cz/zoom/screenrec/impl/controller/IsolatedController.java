package cz.zoom.screenrec.impl.controller;

import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads the controller the way a desktop does: in its own class loader whose parent is the platform
 * loader, so nothing from the test class path (JUnit, the client, anything) can be reached from it.
 */
final class IsolatedController implements AutoCloseable {
  static final String STARTER = "cz.zoom.screenrec.impl.controller.ScreenRecorderStarter";

  final URLClassLoader loader;
  final Class<?> starterClass;

  private IsolatedController(Path location) throws Exception {
    loader =
        new URLClassLoader(
            new URL[] {location.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    starterClass = Class.forName(STARTER, true, loader);
  }

  /** target/classes (set by surefire), as built before packaging. */
  static IsolatedController fromBuildOutput() throws Exception {
    Path classes =
        Path.of(System.getProperty("screenrec.test.controllerClasses", "target/classes"));
    if (!Files.isDirectory(classes)) {
      throw new IllegalStateException("no controller classes at " + classes.toAbsolutePath());
    }
    return new IsolatedController(classes);
  }

  static IsolatedController fromJar(Path jar) throws Exception {
    return new IsolatedController(jar);
  }

  Object start(String agent, List<String> servers) throws Throwable {
    try {
      return starterClass.getConstructor(String.class, List.class).newInstance(agent, servers);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  Object startVarargs(String agent, String... servers) throws Throwable {
    try {
      return starterClass.getConstructor(String.class, String[].class).newInstance(agent, servers);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  static void stop(Object starter) throws Exception {
    starter.getClass().getMethod("stop").invoke(starter);
  }

  @Override
  public void close() throws Exception {
    loader.close();
  }
}
