package cz.zoom.screenrec.server.storage;

import java.sql.SQLException;

/** The metadata database failed a statement; the request that needed it fails with 503. */
public final class StorageException extends RuntimeException {
  public StorageException(String sql, SQLException cause) {
    super("database statement failed (" + cause.getSQLState() + "): " + firstWords(sql), cause);
  }

  private static String firstWords(String sql) {
    String s = sql.strip();
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }
}
