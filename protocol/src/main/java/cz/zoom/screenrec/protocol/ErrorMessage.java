package cz.zoom.screenrec.protocol;

/** Either direction: the sender closes the connection right after this message. */
public record ErrorMessage(ErrorCode code, String message) implements ControlMessage {}
