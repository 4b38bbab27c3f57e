package cz.zoom.screenrec.impl.controller;

import cz.zoom.screenrec.impl.controller.fake.FakeClient;
import cz.zoom.screenrec.impl.controller.fake.FakeClientLib;
import cz.zoom.screenrec.impl.controller.internal.BundleBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Builds a client bundle around FakeClient, with the real BundleBuilder, so extraction and launch
 * are real.
 */
final class FakeBundle {
  private FakeBundle() {}

  static Path build(Path workDir) throws IOException {
    Path mainJar =
        jar(workDir.resolve("fake-client.jar"), FakeClient.class.getName(), FakeClient.class);
    Path libJar = jar(workDir.resolve("fake-lib-1.0.jar"), null, FakeClientLib.class);
    Path zip = workDir.resolve("client-bundle.zip");
    BundleBuilder.build(
        mainJar,
        "screenrec-client.jar",
        List.of(libJar),
        List.of("-Dfake.fromBundle=yes"),
        "test",
        zip);
    return zip;
  }

  static Path jar(Path out, String mainClass, Class<?>... classes) throws IOException {
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (mainClass != null) {
      mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
    }
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(out), mf)) {
      for (Class<?> c : classes) {
        String name = c.getName().replace('.', '/') + ".class";
        jar.putNextEntry(new JarEntry(name));
        try (InputStream in = c.getClassLoader().getResourceAsStream(name)) {
          in.transferTo(jar);
        }
        jar.closeEntry();
      }
    }
    return out;
  }
}
