package cz.zoom.screenrec.impl.controller.fake;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for the Capture Client in the controller's process tests: takes the legacy flags,
 * starts a child process of its own (so "destroy the descendants" is real), and holds a TCP
 * connection to the first reachable -host, saying "HELLO agent pid childPid". -Dfake.exitCode=N
 * makes it exit at once instead.
 */
public final class FakeClient {
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--grandchild")) {
      new CountDownLatch(1).await();
      return;
    }
    String agent = null;
    List<String> hosts = new ArrayList<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (args[i].equals("-agent")) {
        agent = args[i + 1];
      } else if (args[i].equals("-host")) {
        hosts.add(args[i + 1]);
      }
    }
    long pid = ProcessHandle.current().pid();
    System.out.println(
        "fake client pid " + pid + " args " + Arrays.toString(args) + " " + FakeClientLib.marker());
    System.err.println("fake client stderr line");
    String exitCode = System.getProperty("fake.exitCode");
    if (exitCode != null) {
      System.exit(Integer.parseInt(exitCode));
    }
    Path ownJar =
        Path.of(FakeClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child =
        new ProcessBuilder(
                java, "-cp", ownJar.toString(), FakeClient.class.getName(), "--grandchild")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectErrorStream(true)
            .start();
    while (true) {
      for (String host : hosts) {
        int colon = host.lastIndexOf(':');
        String h = colon < 0 ? host : host.substring(0, colon);
        int port = colon < 0 ? 7003 : Integer.parseInt(host.substring(colon + 1));
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(h, port), 1000);
          OutputStream out = s.getOutputStream();
          out.write(
              ("HELLO " + agent + " " + pid + " " + child.pid() + "\n")
                  .getBytes(StandardCharsets.UTF_8));
          out.flush();
          System.out.println("connected to " + host);
          BufferedReader in =
              new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
          while (in.readLine() != null) {
            // the connection is the session; the fake server never sends anything
          }
        } catch (Exception e) {
          System.out.println("cannot reach " + host + ": " + e);
        }
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }
}
