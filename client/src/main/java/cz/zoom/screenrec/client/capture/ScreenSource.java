package cz.zoom.screenrec.client.capture;

import cz.zoom.screenrec.format.ScreenLayout;
import java.util.List;

/** Where pictures of the agent's monitors come from. Called from one capture thread at a time. */
public interface ScreenSource {

  /** The monitors as they are now, in desktop pixels; empty when there is no display. */
  List<ScreenLayout> screens();

  /**
   * Grabs the whole of one monitor. Throws a RuntimeException when the platform cannot deliver a
   * picture right now (locked session, display gone); the recorder records that as a gap.
   */
  ScreenImage grab(int screenId);
}
