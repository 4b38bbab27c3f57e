package cz.zoom.screenrec.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class XvfbDisplayTest {

  @Test
  void paintsTheRootWindowSoThatAScreenReaderSeesTheColour() throws Exception {
    try (XvfbDisplay display = XvfbDisplay.start(320, 200)) {
      assertThat(display.isAlive()).isTrue();
      Instant before = Instant.now();
      Instant painted = display.paint(new Color(0x12, 0x80, 0xef));
      assertThat(painted).isAfterOrEqualTo(before);
      assertThat(pixel(display, 10, 10)).isEqualTo("1280ef");
      display.paint(Color.RED);
      assertThat(pixel(display, 319, 199)).isEqualTo("ff0000");
    }
  }

  @Test
  void twoDisplaysGetDifferentNumbersAndCloseEndsXvfb() {
    XvfbDisplay a = XvfbDisplay.start(64, 64);
    XvfbDisplay b = XvfbDisplay.start(64, 64);
    try {
      assertThat(a.number()).isNotEqualTo(b.number());
    } finally {
      b.close();
      a.close();
    }
    assertThat(a.isAlive()).isFalse();
    assertThat(b.isAlive()).isFalse();
    assertThat(ProcessHandle.of(a.pid())).isEmpty();
  }

  private static String pixel(XvfbDisplay display, int x, int y)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(
                JavaLauncher.command(
                    System.getProperty("java.class.path"),
                    List.of("-Djava.awt.headless=false"),
                    ScreenPixel.class.getName(),
                    List.of(String.valueOf(x), String.valueOf(y))))
            .redirectErrorStream(true);
    pb.environment().putAll(display.env());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out.lines().reduce((first, second) -> second).orElse("");
  }
}
