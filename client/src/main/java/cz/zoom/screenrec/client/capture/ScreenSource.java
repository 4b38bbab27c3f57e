package cz.zoom.screenrec.client.capture;

import cz.zoom.screenrec.format.ScreenLayout;
import java.util.List;

/**
 * Where pictures of the agent's monitors come from. Called from one capture thread at a time.
 * {@link ScreenSources#open()} picks the best one this desktop supports.
 */
public interface ScreenSource extends AutoCloseable {

  /** The monitors as they are now, in desktop pixels; empty when there is no display. */
  List<ScreenLayout> screens();

  /**
   * Grabs the whole of one monitor. Throws a RuntimeException when the platform cannot deliver a
   * picture right now (locked session, display gone); the recorder records that as a gap.
   */
  ScreenImage grab(int screenId);

  /**
   * The picture of one monitor and what changed in it since this method's previous call for that
   * monitor. A source that knows (X11 DAMAGE) fetches only the changed parts, or nothing; the
   * default grabs the whole monitor and says "unknown". Throws as {@link #grab(int)} does; after a
   * throw the next capture reports the whole monitor again.
   */
  default ScreenCapture capture(int screenId) {
    return ScreenCapture.whole(grab(screenId));
  }

  /**
   * Makes the next {@link #capture(int)} of that monitor fetch it whole and report "unknown", so
   * the writer compares every tile: a cheap repair for changes the platform failed to report (e.g.
   * video overlays that bypass X11 DAMAGE). Sources without change information ignore it.
   */
  default void refreshNext(int screenId) {}

  /** What this source is, for the log. */
  default String describe() {
    return getClass().getSimpleName();
  }

  /** Releases native resources (X connection, shared memory). */
  @Override
  default void close() {}
}
