package cz.zoom.screenrec.server.health;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The media store has room for more uploads. */
public final class DiskSpaceHealthCheck implements HealthCheck {
  private final Path dir;
  private final long minFreeBytes;

  public DiskSpaceHealthCheck(Path dir, long minFreeBytes) {
    this.dir = dir;
    this.minFreeBytes = minFreeBytes;
  }

  @Override
  public String name() {
    return "disk";
  }

  @Override
  public Result check() {
    try {
      long free = Files.getFileStore(dir).getUsableSpace();
      String detail = free / (1024 * 1024) + " MiB free";
      return free >= minFreeBytes
          ? Result.up(detail)
          : Result.down(detail + ", need " + minFreeBytes / (1024 * 1024));
    } catch (IOException e) {
      return Result.down("cannot read free space: " + e.getMessage());
    }
  }
}
