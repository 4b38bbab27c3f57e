package cz.zoom.screenrec.client.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cz.zoom.screenrec.format.ScreenLayout;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** XShm + XDamage capture against a real X server (Xvfb). */
class XDamageScreenSourceTest {
  private static final int W = 640;
  private static final int H = 480;
  private static TestXvfb xvfb;

  @BeforeAll
  static void startDisplay() throws Exception {
    xvfb = TestXvfb.start(W, H);
  }

  @AfterAll
  static void stopDisplay() throws Exception {
    if (xvfb != null) {
      xvfb.close();
    }
  }

  @Test
  void paintedRectangleIsInTheNextCaptureAndReportedAsDamaged() {
    xvfb.fill(0x000000, 0, 0, W, H);
    try (XDamageScreenSource source = XDamageScreenSource.open(xvfb.name)) {
      assertThat(source.screens()).containsExactly(new ScreenLayout(0, 0, 0, W, H));
      ScreenCapture first = source.capture(0);
      assertThat(first.dirtyRects()).as("the first capture is whole").isNull();
      assertThat(first.image().rgb()[0] & 0xFFFFFF).isZero();

      xvfb.fill(0x12AB34, 100, 70, 30, 20);
      AtomicReference<ScreenCapture> seen = new AtomicReference<>();
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(5))
          .until(
              () -> {
                ScreenCapture c = source.capture(0);
                seen.set(c);
                return !c.unchanged();
              });
      ScreenCapture c = seen.get();
      assertThat(c.dirtyRects()).isNotNull().containsExactly(100, 70, 30, 20);
      int[] rgb = c.image().rgb();
      assertThat(rgb[70 * W + 100] & 0xFFFFFF).isEqualTo(0x12AB34);
      assertThat(rgb[89 * W + 129] & 0xFFFFFF).isEqualTo(0x12AB34);
      assertThat(rgb[69 * W + 100] & 0xFFFFFF).isZero();
      assertThat(rgb[90 * W + 130] & 0xFFFFFF).isZero();
      assertThat(source.grabUntracked(0).rgb()).isEqualTo(rgb);
    }
  }

  @Test
  void withoutDamageNothingIsFetched() {
    try (XDamageScreenSource source = XDamageScreenSource.open(xvfb.name)) {
      source.capture(0);
      long fetches = source.counters()[0];
      for (int i = 0; i < 20; i++) {
        assertThat(source.capture(0).unchanged()).isTrue();
      }
      assertThat(source.counters()[0]).as("XShmGetImage calls").isEqualTo(fetches);
    }
  }

  @Test
  void aRefreshFetchesTheWholeScreenOnceWithoutDamage() {
    try (XDamageScreenSource source = XDamageScreenSource.open(xvfb.name)) {
      source.capture(0);
      assertThat(source.capture(0).unchanged()).isTrue();
      source.refreshNext(0);
      assertThat(source.capture(0).dirtyRects()).as("whole, unknown").isNull();
      assertThat(source.capture(0).unchanged()).isTrue();
    }
  }

  @Test
  void manySmallChangesAreAllCaptured() {
    xvfb.fill(0xFFFFFF, 0, 0, W, H);
    try (XDamageScreenSource source = XDamageScreenSource.open(xvfb.name)) {
      source.capture(0);
      for (int i = 0; i < 100; i++) {
        xvfb.fill(i * 0x020301, (i * 37) % (W - 8), (i * 53) % (H - 8), 8, 8);
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(5))
          .until(
              () ->
                  java.util.Arrays.equals(
                      source.capture(0).image().rgb(), source.grabUntracked(0).rgb()));
    }
  }

  @Test
  void aLostXServerMakesCapturesFailInsteadOfEndingTheProcess() throws Exception {
    TestXvfb doomed = TestXvfb.start(64, 48);
    XDamageScreenSource source;
    try {
      source = XDamageScreenSource.open(doomed.name);
      source.capture(0);
      doomed.fill(0x00FF00, 0, 0, 8, 8);
    } finally {
      doomed.close();
    }
    // the first call notices the broken connection; the JVM (this test) lives on
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              try {
                source.capture(0);
                return false;
              } catch (IllegalStateException e) {
                return true;
              }
            });
    source.close();
  }

  @Test
  void fallsBackWhenDamageIsUnavailableOrTheDisplayCannotBeOpened() {
    ScreenSource fallback =
        new ScreenSource() {
          @Override
          public List<ScreenLayout> screens() {
            return List.of(new ScreenLayout(0, 0, 0, 1, 1));
          }

          @Override
          public ScreenImage grab(int screenId) {
            return new ScreenImage(1, 1, new int[1]);
          }
        };
    assertThat(ScreenSources.open(xvfb.name, false, () -> fallback)).isSameAs(fallback);
    assertThat(ScreenSources.open(":" + 65000, true, () -> fallback)).isSameAs(fallback);
    try (ScreenSource chosen = ScreenSources.open(xvfb.name, true, () -> fallback)) {
      assertThat(chosen).isInstanceOf(XDamageScreenSource.class);
    }
  }
}
