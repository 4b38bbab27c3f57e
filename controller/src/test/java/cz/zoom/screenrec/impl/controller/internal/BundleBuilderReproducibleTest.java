package cz.zoom.screenrec.impl.controller.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.TimeZone;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builders in different time zones make the same client-bundle.zip from the same jars. */
class BundleBuilderReproducibleTest {
  @TempDir Path dir;

  @Test
  void sameJarsGiveSameBytesInEveryTimeZone() throws Exception {
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "com.example.Main");
    Path main = dir.resolve("client-1.0.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(main), mf)) {
      out.closeEntry();
    }
    Path lib = Files.writeString(dir.resolve("dep-2.0.jar"), "a library");

    TimeZone before = TimeZone.getDefault();
    byte[] east;
    byte[] west;
    try {
      TimeZone.setDefault(TimeZone.getTimeZone("Asia/Tokyo"));
      east = build(main, lib, "east.zip");
      TimeZone.setDefault(TimeZone.getTimeZone("America/Los_Angeles"));
      west = build(main, lib, "west.zip");
    } finally {
      TimeZone.setDefault(before);
    }
    assertThat(Arrays.equals(east, west))
        .as("bundles built in Tokyo and Los Angeles are byte-identical")
        .isTrue();
  }

  private byte[] build(Path main, Path lib, String name) throws Exception {
    Path zip = dir.resolve(name);
    BundleBuilder.build(main, "screenrec-client.jar", List.of(lib), List.of(), "9.9", zip);
    return Files.readAllBytes(zip);
  }
}
