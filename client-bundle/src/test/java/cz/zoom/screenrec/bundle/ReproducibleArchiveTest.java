package cz.zoom.screenrec.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two builds of one commit give the same bundle bytes, whatever the files' own times and modes. */
class ReproducibleArchiveTest {
  @TempDir Path tmp;

  @Test
  void sameTreeGivesSameBytesWhateverTheFileTimesAndGroupBits() throws Exception {
    Path first = tree(tmp.resolve("first"));
    Path second = tree(tmp.resolve("second"));
    Files.setLastModifiedTime(second.resolve("lib/a.jar"), FileTime.fromMillis(1_000_000_000_000L));
    Files.setPosixFilePermissions(
        second.resolve("lib/a.jar"), PosixFilePermissions.fromString("rw-rw-r--"));
    Files.setPosixFilePermissions(
        second.resolve("bin/run"), PosixFilePermissions.fromString("rwxrwx---"));

    long stamp = ClientBundleBuilder.epochSeconds("2026-12-01T00:00:00Z");
    TarGz.write(first, "top", stamp, tmp.resolve("first.tar.gz"));
    TarGz.write(second, "top", stamp, tmp.resolve("second.tar.gz"));

    byte[] a = Files.readAllBytes(tmp.resolve("first.tar.gz"));
    byte[] b = Files.readAllBytes(tmp.resolve("second.tar.gz"));
    assertThat(Arrays.equals(a, b)).as("archives of equal trees are byte-identical").isTrue();
    // RFC 1952: bytes 4..7 are the gzip header's MTIME; zero means "no time stored"
    assertThat(Arrays.copyOfRange(a, 4, 8)).containsExactly(0, 0, 0, 0);
  }

  @Test
  void timestampIsSecondsOrAnIsoInstantAsMavenTakesIt() {
    assertThat(ClientBundleBuilder.epochSeconds("1764547200")).isEqualTo(1_764_547_200L);
    assertThat(ClientBundleBuilder.epochSeconds("2025-12-01T00:00:00Z")).isEqualTo(1_764_547_200L);
    assertThat(ClientBundleBuilder.epochSeconds("2025-12-01T01:00:00+01:00"))
        .isEqualTo(1_764_547_200L);
    assertThatThrownBy(() -> ClientBundleBuilder.epochSeconds("yesterday"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("yesterday");
  }

  private static Path tree(Path root) throws Exception {
    Files.createDirectories(root.resolve("bin"));
    Files.createDirectories(root.resolve("lib"));
    Files.writeString(root.resolve("bin/run"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(
        root.resolve("bin/run"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.write(root.resolve("lib/a.jar"), new byte[] {1, 2, 3});
    Files.writeString(root.resolve("README.txt"), "read me");
    return root;
  }
}
