package cz.zoom.screenrec.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The direction of dependencies between the server's packages, as docs/architecture.md draws it:
 * the recording core knows neither HTTP nor replay, replay's services know no HTTP, and the HTTP
 * plumbing knows no routes. Read from the sources, so a fully qualified name counts as much as an
 * import.
 */
class LayersTest {
  private static final Path ROOT = Path.of("src/main/java/cz/zoom/screenrec/server");
  private static final String SERVER = "cz.zoom.screenrec.server";

  /** The recording core: from a call event to a playable recording, and its video on request. */
  private static final List<String> CORE =
      List.of(
          "config",
          "control",
          "core",
          "encode",
          "enrollment",
          "evidence",
          "health",
          "ready",
          "recording",
          "storage",
          "tls",
          "upload");

  /** Replay's own rules, below its routes. */
  private static final List<String> REPLAY_SERVICES =
      List.of("replay.audio", "replay.audit", "replay.auth", "replay.export");

  /** The HTTP edge: the port's plumbing, the routes of the core, the peer clusters' REST client. */
  private static final List<String> EDGE = List.of("http", "api", "peers");

  /** Replay's routes and helpers that speak HTTP: the UI's API and pages. */
  private static final List<String> REPLAY_EDGE = List.of("replay", "replay.ui");

  private static final List<String> HTTP_TYPES =
      List.of(
          "io.javalin", "jakarta.servlet", "org.eclipse.jetty", SERVER + ".http", SERVER + ".api");

  @Test
  void everyPackageHasItsLayer() {
    Set<String> known = new TreeSet<>(CORE);
    known.addAll(REPLAY_SERVICES);
    known.addAll(EDGE);
    known.addAll(REPLAY_EDGE);
    known.add("");
    assertThat(packages())
        .as("a new package goes into one of the lists above, and into docs/architecture.md")
        .isSubsetOf(known);
    assertThat(packages()).containsAll(known);
  }

  @Test
  void theRecordingCoreUsesNeitherHttpNorReplay() {
    List<String> forbidden = new ArrayList<>(HTTP_TYPES);
    forbidden.add(SERVER + ".replay");
    assertThat(references(CORE, forbidden)).isEmpty();
  }

  @Test
  void replaysServicesUseNoHttp() {
    assertThat(references(REPLAY_SERVICES, HTTP_TYPES)).isEmpty();
  }

  @Test
  void onlyTheServerItselfStartsReplayAndOnlyThroughReplayFeature() {
    List<String> outside = new ArrayList<>(CORE);
    outside.addAll(EDGE);
    assertThat(references(outside, List.of(SERVER + ".replay"))).isEmpty();
    assertThat(references(List.of(""), List.of(SERVER + ".replay"), "ReplayFeature")).isEmpty();
  }

  @Test
  void httpPlumbingKnowsNoRoutes() {
    assertThat(references(List.of("http"), List.of(SERVER + ".api", SERVER + ".replay"))).isEmpty();
  }

  /** Lines of the packages' sources that name anything under one of the forbidden prefixes. */
  private static List<String> references(List<String> packages, List<String> forbidden) {
    return references(packages, forbidden, null);
  }

  /** As above, except a class {@code allowed} directly under the prefixes. */
  private static List<String> references(
      List<String> packages, List<String> forbidden, String allowed) {
    Pattern named =
        Pattern.compile(
            "(?<![\\w.])("
                + forbidden.stream().map(Pattern::quote).collect(Collectors.joining("|"))
                + ")\\."
                + (allowed == null ? "" : "(?!" + Pattern.quote(allowed) + "\\b)")
                + "[\\w*]");
    List<String> found = new ArrayList<>();
    for (String pkg : packages) {
      List<Path> sources = sources(pkg);
      assertThat(sources).as("sources of package %s", pkg).isNotEmpty();
      for (Path source : sources) {
        List<String> lines = read(source);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i);
          if (!line.startsWith("package ") && named.matcher(line).find()) {
            found.add(ROOT.relativize(source) + ":" + (i + 1) + ": " + line.strip());
          }
        }
      }
    }
    return found;
  }

  private static List<Path> sources(String pkg) {
    Path dir = ROOT.resolve(pkg.replace('.', '/'));
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Set<String> packages() {
    try (Stream<Path> files = Files.walk(ROOT)) {
      return files
          .filter(f -> f.toString().endsWith(".java"))
          .map(f -> ROOT.relativize(f.getParent()).toString().replace('/', '.'))
          .collect(Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> read(Path source) {
    try {
      return Files.readAllLines(source);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
