package cz.zoom.screenrec.protocol;

/**
 * Client → server: outcome of a START, STOP, PAUSE or RESUME.
 *
 * @param seq the seq of the command acknowledged
 * @param ok whether the client carried it out
 * @param message why not, when ok is false
 */
public record Ack(long seq, boolean ok, String message) implements ControlMessage {
  @Override
  public void validate() {
    Limits.requireText("message", message, false);
  }
}
