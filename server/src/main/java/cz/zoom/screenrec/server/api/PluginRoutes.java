package cz.zoom.screenrec.server.api;

import cz.zoom.screenrec.server.http.Access;
import cz.zoom.screenrec.server.http.ApiException;
import cz.zoom.screenrec.server.http.HttpApi;
import cz.zoom.screenrec.server.http.RangeResponse;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads for agent desktops, as the legacy CallREC server offered them, without a token (a
 * desktop installer has none): {@code GET /callrec/plugins/} is a JSON index of the files of the
 * plugins folder, {@code GET /callrec/plugins/<name>} a file (byte ranges supported, so a broken
 * download resumes), {@code GET /callrec/plugins/<name>.sha256} its checksum in sha256sum format.
 *
 * <p>Only plain file names are served (letters, digits, {@code . _ -}; no leading dot), only
 * regular files whose real path lies in the folder: no path, symlink or dot-file leads outside it.
 * A name without its archive extension also finds {@code <name>.tar.gz}, for the legacy {@code
 * screenrec-client-binary-<version>} URL.
 */
public final class PluginRoutes implements HttpApi.Routes {
  private static final Logger log = LoggerFactory.getLogger(PluginRoutes.class);
  public static final String PATH = "/callrec/plugins";
  static final String CHECKSUM_SUFFIX = ".sha256";
  static final List<String> ALIAS_EXTENSIONS = List.of(".tar.gz");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

  /** One downloadable file, as the index lists it. */
  public record PluginFile(String name, long bytes, String sha256, String url) {}

  private record Checksum(long size, long modified, String sha256) {}

  private final Path dir;
  private final String baseUrl;
  private final Map<String, Checksum> checksums = new ConcurrentHashMap<>();

  /**
   * @param dir the plugins folder; it may be missing (the index is then empty)
   * @param publicUrl base URL of this server's HTTP port, for the index's absolute URLs
   */
  public PluginRoutes(Path dir, URI publicUrl) {
    this.dir = dir.toAbsolutePath().normalize();
    this.baseUrl = publicUrl.toString().replaceAll("/+$", "") + PATH + "/";
    if (!Files.isDirectory(this.dir)) {
      log.info("plugins folder {} does not exist: {}/ offers no downloads", this.dir, PATH);
    }
  }

  @Override
  public void accept(RoutesConfig app) {
    app.get(PATH, this::index, Access.OPEN);
    app.get(PATH + "/{name}", this::file, Access.OPEN);
  }

  private void index(Context ctx) throws IOException {
    ctx.json(list());
  }

  /** The downloadable files, by name; checksums are computed once per file version. */
  public List<PluginFile> list() throws IOException {
    List<PluginFile> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.sorted().toList();
    }
    for (Path p : files) {
      String name = p.getFileName().toString();
      if (name.endsWith(CHECKSUM_SUFFIX) || name.endsWith(".tmp") || resolve(name).isEmpty()) {
        continue;
      }
      try {
        out.add(new PluginFile(name, Files.size(p), sha256(p), baseUrl + name));
      } catch (NoSuchFileException e) {
        // replaced or removed while listing (a new build being copied in)
      }
    }
    return out;
  }

  private void file(Context ctx) throws IOException {
    String name = ctx.pathParam("name");
    if (name.endsWith(CHECKSUM_SUFFIX)) {
      String base = name.substring(0, name.length() - CHECKSUM_SUFFIX.length());
      Path file = find(base).orElseThrow(() -> notFound(name));
      ctx.contentType("text/plain; charset=utf-8");
      ctx.result(sha256(file) + "  " + file.getFileName() + "\n");
      return;
    }
    Path file = find(name).orElseThrow(() -> notFound(name));
    ctx.header("Content-Disposition", "attachment; filename=\"" + file.getFileName() + "\"");
    ctx.header("X-Checksum-Sha256", sha256(file));
    RangeResponse.serve(ctx, file, contentType(file.getFileName().toString()));
  }

  /**
   * The file a request name stands for: itself, or (legacy URLs) the name with an archive
   * extension.
   */
  Optional<Path> find(String name) {
    Optional<Path> exact = resolve(name);
    if (exact.isPresent()) {
      return exact;
    }
    for (String ext : ALIAS_EXTENSIONS) {
      Optional<Path> alias = resolve(name + ext);
      if (alias.isPresent()) {
        return alias;
      }
    }
    return Optional.empty();
  }

  /**
   * A regular file of the folder with exactly this plain name, never anything outside the folder.
   */
  Optional<Path> resolve(String name) {
    if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
      return Optional.empty();
    }
    Path p = dir.resolve(name).normalize();
    if (!dir.equals(p.getParent()) || !Files.isRegularFile(p)) {
      return Optional.empty();
    }
    try {
      // a symlink in the folder may point anywhere: serve it only if its target is in the folder
      // too
      Path real = p.toRealPath();
      Path realDir = dir.toRealPath();
      return real.startsWith(realDir) && Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)
          ? Optional.of(real)
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  String sha256(Path file) throws IOException {
    long size = Files.size(file);
    long modified = Files.getLastModifiedTime(file).toMillis();
    String key = file.toString();
    Checksum c = checksums.get(key);
    if (c != null && c.size() == size && c.modified() == modified) {
      return c.sha256();
    }
    String hex = digest(file);
    checksums.put(key, new Checksum(size, modified, hex));
    return hex;
  }

  private static String digest(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return HexFormat.of().formatHex(md.digest());
  }

  static String contentType(String name) {
    if (name.endsWith(".tar.gz") || name.endsWith(".tgz")) {
      return "application/gzip";
    }
    if (name.endsWith(".jar")) {
      return "application/java-archive";
    }
    if (name.endsWith(".zip")) {
      return "application/zip";
    }
    if (name.endsWith(".txt")) {
      return "text/plain; charset=utf-8";
    }
    return "application/octet-stream";
  }

  private static ApiException notFound(String name) {
    return new ApiException(
        404,
        "not_found",
        "no plugin file " + (name.length() > 200 ? name.substring(0, 200) + "..." : name));
  }
}
