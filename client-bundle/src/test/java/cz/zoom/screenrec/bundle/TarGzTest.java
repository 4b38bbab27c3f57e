package cz.zoom.screenrec.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive is read back by the system's tar, as a desktop administrator unpacks it. */
class TarGzTest {
  @TempDir Path tmp;

  @Test
  void tarUnpacksFilesModesSymlinksAndLongPaths() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.createDirectories(src.resolve("bin"));
    Files.writeString(src.resolve("bin/launcher"), "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(
        src.resolve("bin/launcher"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(src.resolve("README.txt"), "read me");
    String deep =
        "runtime/legal/java.desktop/"
            + "a-rather-long-directory-name-for-the-prefix-field/".repeat(2)
            + "some-license-file-with-a-long-name.txt";
    Files.createDirectories(src.resolve(deep).getParent());
    Files.write(src.resolve(deep), new byte[70_000]);
    Files.createSymbolicLink(
        src.resolve("runtime/legal/LICENSE"), Path.of("java.desktop/../../../README.txt"));
    Path archive = tmp.resolve("a.tar.gz");

    TarGz.write(src, "screenrec-client-1.0", 1_700_000_000L, archive);

    Path out = Files.createDirectories(tmp.resolve("out"));
    Process p =
        new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", out.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(log).isZero();
    Path root = out.resolve("screenrec-client-1.0");
    assertThat(root.resolve("bin/launcher")).isExecutable().hasContent("#!/bin/sh\necho hi");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(root.resolve("README.txt"))))
        .isEqualTo("rw-r--r--");
    assertThat(Files.size(root.resolve(deep))).isEqualTo(70_000);
    assertThat(Files.isSymbolicLink(root.resolve("runtime/legal/LICENSE"))).isTrue();
    assertThat(Files.getLastModifiedTime(root.resolve("README.txt")).toMillis())
        .isEqualTo(1_700_000_000_000L);
    assertThat(List.of(ClientBundleBuilder.platform()))
        .allMatch(s -> s.matches("[a-z0-9-]+-[a-z0-9_]+"));
  }
}
