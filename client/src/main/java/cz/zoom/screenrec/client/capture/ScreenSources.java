package cz.zoom.screenrec.client.capture;

import cz.zoom.screenrec.format.ScreenLayout;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks how this desktop's screens are captured: on X11 with the MIT-SHM, DAMAGE and XFIXES
 * extensions, {@link XDamageScreenSource} (only what changed is fetched); anywhere else, or when
 * that fails for any reason, java.awt.Robot. The choice and the reason for it are logged once.
 *
 * <p>System property {@code screenrec.capture} = {@code auto} (default), {@code xdamage} or {@code
 * robot} overrides the choice, e.g. to compare them.
 */
public final class ScreenSources {
  private static final Logger log = LoggerFactory.getLogger(ScreenSources.class);
  public static final String PROPERTY = "screenrec.capture";

  private ScreenSources() {}

  /**
   * The best source for the display in DISPLAY; throws IllegalStateException when nothing can
   * capture.
   */
  public static ScreenSource open() {
    String mode = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
    return open(null, !mode.equals("robot"), RobotScreenSource::open);
  }

  /**
   * @param display X display name, null for the DISPLAY variable
   * @param allowXDamage false skips change-driven capture, as if the X server had no DAMAGE
   * @param fallback the portable source, opened when change-driven capture is not possible
   */
  public static ScreenSource open(
      String display, boolean allowXDamage, Supplier<? extends ScreenSource> fallback) {
    String why;
    if (!allowXDamage) {
      why = "XShm+XDamage capture disabled";
    } else if (!isX11(display)) {
      why = "not an X11 desktop";
    } else {
      try {
        ScreenSource source = XDamageScreenSource.open(display);
        log.info(
            "screen capture: {} (only changed areas are fetched), screens {}",
            source.describe(),
            source.screens());
        return source;
      } catch (IllegalStateException | LinkageError e) {
        why = e.getMessage();
      } catch (RuntimeException e) {
        why = e.toString();
      }
    }
    ScreenSource source = fallback.get();
    log.info("screen capture: {} ({}), screens {}", source.describe(), why, source.screens());
    return source;
  }

  private static boolean isX11(String display) {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    if (os.startsWith("windows") || os.startsWith("mac")) {
      return false;
    }
    String name = display != null ? display : System.getenv("DISPLAY");
    return name != null && !name.isBlank();
  }

  /**
   * The real screens, or — when none can be captured (no display, no toolkit) — a source with no
   * screens whose grab fails, so the process still connects and refuses recordings with a reason.
   *
   * @param consequence what the missing screen means, for the log line
   */
  public static ScreenSource openOrNone(String consequence) {
    try {
      return open();
    } catch (RuntimeException | Error e) {
      log.warn("no screen can be captured ({}); {}", e.getMessage(), consequence);
      return new ScreenSource() {
        @Override
        public List<ScreenLayout> screens() {
          return List.of();
        }

        @Override
        public ScreenImage grab(int screenId) {
          throw new IllegalStateException("no display");
        }
      };
    }
  }
}
