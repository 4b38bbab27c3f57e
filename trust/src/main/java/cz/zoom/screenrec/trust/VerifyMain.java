package cz.zoom.screenrec.trust;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code screenrec-verify --ca ca.pem EVIDENCE [FILE|DIR ...]}: checks the evidence of a recording,
 * a call's audio or an export offline: its signature against the cluster CA, a recording's chain of
 * segments, an export's sources, and each file given (a directory stands for every file in it and
 * below) against the hash the manifest holds. Exit 0 when all matches, 1 with one line per
 * mismatch, 2 on bad usage.
 */
public final class VerifyMain {
  private VerifyMain() {}

  public static void main(String[] args) throws Exception {
    try {
      System.exit(run(args));
    } catch (java.io.IOException | IllegalArgumentException | java.io.UncheckedIOException e) {
      System.err.println("screenrec-verify: " + e.getMessage());
      System.exit(2);
    }
  }

  public static int run(String[] args) throws Exception {
    if (args.length < 3 || !"--ca".equals(args[0])) {
      System.err.println("usage: screenrec-verify --ca ca.pem EVIDENCE [FILE|DIR ...]");
      return 2;
    }
    X509Certificate ca = Pem.certificates(Pem.read(Path.of(args[1]))).get(0);
    byte[] evidence = Files.readAllBytes(Path.of(args[2]));
    Map<String, Path> files = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (String a : List.of(args).subList(3, args.length)) {
      Path p = Path.of(a);
      if (Files.isDirectory(p)) {
        // a recording's directory: every file the manifest names must be in it
        Map<String, Path> found = new LinkedHashMap<>();
        try (Stream<Path> all = Files.walk(p)) {
          all.filter(Files::isRegularFile).forEach(f -> found.put(f.getFileName().toString(), f));
        }
        for (String name : Evidence.fileNames(evidence)) {
          if (found.containsKey(name)) {
            files.put(name, found.get(name));
          } else {
            missing.add(name + ": missing from " + p);
          }
        }
      } else {
        files.put(p.getFileName().toString(), p);
      }
    }
    List<String> problems = new ArrayList<>(Evidence.check(evidence, ca, files));
    problems.addAll(missing);
    if (problems.isEmpty()) {
      System.out.println("OK: signature, chain and " + files.size() + " file(s) match");
      return 0;
    }
    problems.forEach(p -> System.out.println("MISMATCH: " + p));
    return 1;
  }
}
