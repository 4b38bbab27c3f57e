package cz.zoom.screenrec.client.capture;

import com.sun.jna.NativeLong;
import com.sun.jna.platform.unix.X11;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A private Xvfb for capture tests, on a display number Xvfb picks itself (-displayfd), and an X
 * connection of its own that paints rectangles on the root window like an application would.
 */
final class TestXvfb implements AutoCloseable {
  private final Process process;
  final String name;
  private X11.Display painter;
  private X11.GC gc;

  private TestXvfb(Process process, String name) {
    this.process = process;
    this.name = name;
  }

  /** Starts a display, or skips the calling test when Xvfb is not installed. */
  static TestXvfb start(int width, int height) throws Exception {
    Assumptions.assumeTrue(
        onPath("Xvfb"), "Xvfb is not installed (scripts/install-deps.sh installs it); skipping");
    Process p =
        new ProcessBuilder(
                "Xvfb",
                "-displayfd",
                "1",
                "-screen",
                "0",
                width + "x" + height + "x24",
                "-nolisten",
                "tcp",
                "-noreset")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
      String line =
          CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return out.readLine();
                    } catch (IOException e) {
                      return null;
                    }
                  })
              .get(30, TimeUnit.SECONDS);
      if (line == null || !line.trim().matches("\\d+")) {
        throw new IllegalStateException("Xvfb printed no display number: " + line);
      }
      return new TestXvfb(p, ":" + line.trim());
    } catch (Exception e) {
      p.destroyForcibly();
      throw e;
    }
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (new File(dir, program).canExecute()) {
        return true;
      }
    }
    return false;
  }

  /** Fills a rectangle of the root window with an 0xRRGGBB colour and flushes it to the server. */
  synchronized void fill(int rgb, int x, int y, int w, int h) {
    X11 x11 = X11.INSTANCE;
    if (painter == null) {
      painter = x11.XOpenDisplay(name);
      gc = x11.XCreateGC(painter, x11.XRootWindow(painter, 0), new NativeLong(0), null);
    }
    x11.XSetForeground(painter, gc, new NativeLong(rgb));
    x11.XFillRectangle(painter, x11.XRootWindow(painter, 0), gc, x, y, w, h);
    x11.XSync(painter, false);
  }

  @Override
  public synchronized void close() throws InterruptedException {
    if (painter != null) {
      X11.INSTANCE.XFreeGC(painter, gc);
      X11.INSTANCE.XCloseDisplay(painter);
      painter = null;
    }
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }
}
