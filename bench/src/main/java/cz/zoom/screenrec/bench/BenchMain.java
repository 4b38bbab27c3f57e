package cz.zoom.screenrec.bench;

import cz.zoom.screenrec.bench.budget.BudgetBench;
import cz.zoom.screenrec.bench.capture.CaptureBench;
import cz.zoom.screenrec.bench.codec.CodecBench;
import cz.zoom.screenrec.bench.e2e.OneCallBench;
import cz.zoom.screenrec.bench.enrollment.EnrollmentBench;
import cz.zoom.screenrec.bench.failover.FailoverBench;
import cz.zoom.screenrec.bench.replay.ReplayBench;
import cz.zoom.screenrec.bench.tls.TlsCostBench;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code java -jar bench/target/screenrec-bench.jar NAME [args]}: runs one bench (bench/README.md).
 */
public final class BenchMain {
  @FunctionalInterface
  interface Bench {
    void run(String[] args) throws Exception;
  }

  private static final Map<String, Bench> BENCHES = new LinkedHashMap<>();

  static {
    BENCHES.put("one-call", OneCallBench::main);
    BENCHES.put("codec", CodecBench::main);
    BENCHES.put("failover", FailoverBench::main);
    BENCHES.put("capture", CaptureBench::main);
    BENCHES.put("replay", ReplayBench::main);
    BENCHES.put("enrollment", EnrollmentBench::main);
    BENCHES.put("tls-cost", TlsCostBench::main);
    BENCHES.put("budget", BudgetBench::main);
  }

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
      System.out.println(
          "usage: java -jar bench/target/screenrec-bench.jar NAME [args]   (NAME --help for its args)");
      System.out.println("benches: " + String.join(", ", BENCHES.keySet()));
      return;
    }
    Bench b = BENCHES.get(args[0]);
    if (b == null) {
      System.err.println(
          "no bench named " + args[0] + "; benches: " + String.join(", ", BENCHES.keySet()));
      System.exit(2);
    }
    b.run(Arrays.copyOfRange(args, 1, args.length));
    // server, client and Xvfb are closed by the bench; non-daemon threads of libraries must not
    // keep us alive
    System.exit(0);
  }
}
