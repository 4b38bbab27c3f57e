package cz.zoom.screenrec.impl.controller.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientBundleTest {
  @TempDir Path dir;

  private Path mainJar() throws IOException {
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "com.example.Main");
    Path jar = dir.resolve("client-1.0.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf)) {
      out.putNextEntry(new ZipEntry("com/example/Main.class"));
      // class file header of a Java 17 class (major 61)
      out.write(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 61});
      out.closeEntry();
    }
    return jar;
  }

  private Path build() throws IOException {
    Path lib = Files.writeString(dir.resolve("dep-2.0.jar"), "not really a jar");
    Path zip = dir.resolve("bundle.zip");
    BundleBuilder.build(
        mainJar(),
        "screenrec-client.jar",
        List.of(lib),
        List.of("-Djdk.gtk.version=3"),
        "9.9",
        zip);
    return zip;
  }

  @Test
  void roundTripsAndVerifiesEveryFile() throws IOException {
    Path zip = build();
    Path out = Files.createDirectories(dir.resolve("out"));
    ClientBundle bundle;
    try (InputStream in = Files.newInputStream(zip)) {
      bundle = ClientBundle.extract(in, out);
    }
    assertThat(bundle.mainClass).isEqualTo("com.example.Main");
    assertThat(bundle.version).isEqualTo("9.9");
    assertThat(bundle.classPath).containsExactly("screenrec-client.jar", "lib/dep-2.0.jar");
    assertThat(bundle.jvmOptions).containsExactly("-Djdk.gtk.version=3");
    assertThat(out.resolve("lib/dep-2.0.jar")).hasContent("not really a jar");
    assertThat(bundle.requiredJavaFeature(out)).isEqualTo(17);
  }

  @Test
  void buildsTheSameBytesFromTheSameInputs() throws IOException {
    byte[] first = Files.readAllBytes(build());
    byte[] second = Files.readAllBytes(build());
    assertThat(second).isEqualTo(first);
  }

  @Test
  void refusesAFileThatDoesNotMatchTheManifest() throws IOException {
    Path zip = build();
    Path tampered =
        rewrite(zip, "lib/dep-2.0.jar", "not really a jaR".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> extract(tampered))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("does not match");
  }

  @Test
  void refusesFilesTheManifestDoesNotList() throws IOException {
    Path zip = build();
    Path extra = rewrite(zip, "../evil.jar", new byte[] {1});
    assertThatThrownBy(() -> extract(extra))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("does not list");
  }

  @Test
  void refusesPathsOutsideTheDirectory() {
    String manifest = ClientBundle.FORMAT_LINE + "\nmain-class a.B\nclass-path ../x.jar\n";
    assertThatThrownBy(() -> ClientBundle.parseManifest(manifest))
        .hasMessageContaining("illegal path");
    for (String bad : List.of("/abs.jar", "a/../../b.jar", "c:/x.jar", "a\\b.jar", "a//b.jar")) {
      assertThatThrownBy(() -> ClientBundle.checkPath(bad)).as(bad).isInstanceOf(IOException.class);
    }
  }

  private void extract(Path zip) throws IOException {
    try (InputStream in = Files.newInputStream(zip)) {
      ClientBundle.extract(in, Files.createDirectories(dir.resolve("x")));
    }
  }

  /** Copies the zip, replacing (or adding) one entry. */
  private Path rewrite(Path zip, String name, byte[] content) throws IOException {
    Path out = dir.resolve("rewritten.zip");
    boolean replaced = false;
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip));
        ZipOutputStream zout = new ZipOutputStream(Files.newOutputStream(out))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        zout.putNextEntry(new ZipEntry(e.getName()));
        if (e.getName().equals(name)) {
          zout.write(content);
          replaced = true;
        } else {
          in.transferTo(zout);
        }
        zout.closeEntry();
      }
      if (!replaced) {
        zout.putNextEntry(new ZipEntry(name));
        zout.write(content);
        zout.closeEntry();
      }
    }
    return out;
  }
}
