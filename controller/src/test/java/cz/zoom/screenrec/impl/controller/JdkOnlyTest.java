package cz.zoom.screenrec.impl.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a desktop gets from the controller's classes: Java 11 bytecode that needs nothing beyond the
 * JDK.
 */
class JdkOnlyTest {
  private final Path classes =
      Path.of(System.getProperty("screenrec.test.controllerClasses", "target/classes"));

  @Test
  void classesAreJava11Bytecode() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.walk(classes)) {
      files = s.filter(p -> p.toString().endsWith(".class")).collect(Collectors.toList());
    }
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      try (DataInputStream in = new DataInputStream(Files.newInputStream(f))) {
        in.readInt();
        in.readUnsignedShort();
        assertThat(in.readUnsignedShort()).as(f.toString()).isEqualTo(55);
      }
    }
  }

  @Test
  void dependsOnJavaBaseAndJavaLoggingOnly() {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc =
        jdeps.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "--print-module-deps",
            "--ignore-missing-deps",
            classes.toString());
    assertThat(rc).as(err.toString()).isZero();
    assertThat(out.toString().trim().split(",")).containsOnly("java.base", "java.logging");
    StringWriter verbose = new StringWriter();
    jdeps.run(new PrintWriter(verbose), new PrintWriter(err), "-verbose:class", classes.toString());
    assertThat(verbose.toString()).doesNotContain("not found");
  }
}
