package cz.zoom.screenrec.service;

import static org.assertj.core.api.Assertions.assertThat;

import cz.zoom.screenrec.client.PublicApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The service builds only on what the client marks as its public API. */
class ServiceApiTest {
  private static final Pattern CLIENT_NAME =
      Pattern.compile("cz\\.zoom\\.screenrec\\.client(?:\\.\\w+)+");

  @Test
  void theServiceUsesOnlyTheClientsPublicApi() throws Exception {
    Set<String> used = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = CLIENT_NAME.matcher(Files.readString(f));
        while (m.find()) {
          used.add(m.group());
        }
      }
    }
    assertThat(used).as("the service is built from the client").isNotEmpty();
    Set<String> internal = new TreeSet<>();
    for (String name : used) {
      Class<?> type = typeOf(name);
      if (!type.isAnnotationPresent(PublicApi.class)
          && !type.getPackage().isAnnotationPresent(PublicApi.class)) {
        internal.add(name);
      }
    }
    assertThat(internal)
        .as("client types the service uses that are not marked @PublicApi")
        .isEmpty();
  }

  @Test
  void theDesktopClientsOwnWiringIsNotPublic() throws Exception {
    assertThat(
            Class.forName("cz.zoom.screenrec.client.CaptureClient")
                .isAnnotationPresent(PublicApi.class))
        .isFalse();
    assertThat(
            Class.forName("cz.zoom.screenrec.client.CaptureClient")
                .getPackage()
                .isAnnotationPresent(PublicApi.class))
        .isFalse();
  }

  /** The outermost type a dotted name (maybe a nested type or a static member) starts with. */
  private static Class<?> typeOf(String name) throws ClassNotFoundException {
    String[] parts = name.split("\\.");
    StringBuilder prefix = new StringBuilder();
    for (String part : parts) {
      prefix.append(prefix.length() == 0 ? "" : ".").append(part);
      if (Character.isUpperCase(part.charAt(0))) {
        return Class.forName(prefix.toString());
      }
    }
    throw new ClassNotFoundException(name + " names no type");
  }
}
