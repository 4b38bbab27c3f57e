package cz.zoom.screenrec.server;

import cz.zoom.screenrec.server.storage.OwnerOnly;
import cz.zoom.screenrec.server.upload.UploadTokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The API token kept in {@code <data-dir>/api-token} when none is configured: made once,
 * owner-only.
 */
final class ApiTokenFile {
  private ApiTokenFile() {}

  static String readOrCreate(Path dataDir) throws IOException {
    Path file = dataDir.resolve("api-token");
    if (!Files.exists(file)) {
      try {
        OwnerOnly.createFile(file);
      } catch (FileAlreadyExistsException e) {
        return read(file);
      }
      Files.writeString(
          file,
          UploadTokens.newToken() + "\n",
          StandardCharsets.US_ASCII,
          StandardOpenOption.WRITE);
    }
    return read(file);
  }

  private static String read(Path file) throws IOException {
    String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
    if (token.length() < 16) {
      throw new IOException(file + " holds no usable API token; delete it to have a new one made");
    }
    return token;
  }
}
