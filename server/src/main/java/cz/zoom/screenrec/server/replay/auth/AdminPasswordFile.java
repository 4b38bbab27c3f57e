package cz.zoom.screenrec.server.replay.auth;

import cz.zoom.screenrec.server.storage.OwnerOnly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code <data-dir>/admin-password}: the generated first admin password, readable by its owner
 * only.
 */
public final class AdminPasswordFile {
  public static final String NAME = "admin-password";

  private AdminPasswordFile() {}

  public static Path write(Path dataDir, String password) throws IOException {
    Path file = dataDir.resolve(NAME);
    Files.deleteIfExists(file);
    OwnerOnly.createFile(file);
    Files.writeString(file, password + "\n", StandardCharsets.UTF_8, StandardOpenOption.WRITE);
    return file;
  }
}
