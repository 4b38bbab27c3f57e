package cz.zoom.screenrec.impl.controller.fake;

/**
 * Packed into the fake bundle's lib/ so the tests see that libraries reach the client's class path.
 */
public final class FakeClientLib {
  private FakeClientLib() {}

  public static String marker() {
    return "lib-on-classpath";
  }
}
