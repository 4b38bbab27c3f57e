package cz.zoom.screenrec.server.replay.export;

import java.nio.file.Path;

/** One export: who asked, for which call, how far it is. Progress only grows. */
public final class ExportJob {
  /** RUNNING (also while queued), DONE, FAILED. */
  public enum State {
    RUNNING,
    DONE,
    FAILED
  }

  private final String id;
  private final String callId;
  private final String username;
  private final long createdAt;
  private final Path file;
  private volatile State state = State.RUNNING;
  private volatile double progress;
  private volatile String error;
  private volatile long finishedAt;

  ExportJob(String id, String callId, String username, long createdAt, Path file) {
    this.id = id;
    this.callId = callId;
    this.username = username;
    this.createdAt = createdAt;
    this.file = file;
  }

  public String id() {
    return id;
  }

  public String callId() {
    return callId;
  }

  public String username() {
    return username;
  }

  public long createdAt() {
    return createdAt;
  }

  public Path file() {
    return file;
  }

  /** The export's signed manifest, beside its file. */
  public Path evidence() {
    return file.resolveSibling(id + ".evidence.json");
  }

  /** The name the file is handed out under, and that its evidence names it by. */
  public String fileName() {
    return "call-" + callId + "." + CallExporter.EXTENSION;
  }

  public State state() {
    return state;
  }

  public double progress() {
    return progress;
  }

  public String error() {
    return error;
  }

  public long finishedAt() {
    return finishedAt;
  }

  void progress(double p) {
    progress = Math.max(progress, Math.min(0.99, p));
  }

  void done(long now) {
    progress = 1;
    finishedAt = now;
    state = State.DONE;
  }

  void failed(String why, long now) {
    error = why;
    finishedAt = now;
    state = State.FAILED;
  }
}
