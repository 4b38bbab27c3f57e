package cz.zoom.screenrec.impl.controller;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Collects the controller's java.util.logging records (the LogManager is shared by every class
 * loader).
 */
final class LogCapture extends Handler implements AutoCloseable {
  private final Logger logger = Logger.getLogger("cz.zoom.screenrec.impl.controller");
  private final Level oldLevel;
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();

  LogCapture() {
    oldLevel = logger.getLevel();
    logger.setLevel(Level.ALL);
    setLevel(Level.ALL);
    logger.addHandler(this);
  }

  List<String> messages(Level atLeast) {
    return records.stream()
        .filter(r -> r.getLevel().intValue() >= atLeast.intValue())
        .map(LogRecord::getMessage)
        .collect(Collectors.toList());
  }

  boolean any(Level level, String fragment) {
    return records.stream()
        .anyMatch(r -> r.getLevel().equals(level) && r.getMessage().contains(fragment));
  }

  @Override
  public void publish(LogRecord record) {
    records.add(record);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
    logger.setLevel(oldLevel);
  }
}
