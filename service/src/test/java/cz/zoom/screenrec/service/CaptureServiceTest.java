package cz.zoom.screenrec.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cz.zoom.screenrec.client.ServerAddress;
import cz.zoom.screenrec.client.enrollment.DesktopTls;
import cz.zoom.screenrec.service.ipc.IpcConnection;
import cz.zoom.screenrec.service.ipc.IpcConnection.IpcProtocolException;
import cz.zoom.screenrec.service.ipc.IpcMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureServiceTest {
  @TempDir Path tmp;

  private CaptureService service(AgentMap map) {
    return new CaptureService(
        new CaptureService.Config(
            tmp.resolve("run"),
            List.of(ServerAddress.parse("127.0.0.1:1")),
            map,
            tmp.resolve("spool"),
            Duration.ofMinutes(10),
            "host",
            DesktopTls.plaintext()));
  }

  private static IpcMessage.Hello hello(String login) {
    return new IpcMessage.Hello(IpcMessage.VERSION, login, ":1", 1, List.of());
  }

  @Test
  void theSocketDirectoryIsMadeForOwnerAndGroupAndRefusedWhenOpenToOthers() throws Exception {
    Path dir = tmp.resolve("run");
    CaptureService.prepareSocketDir(dir);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwxrwx---");

    Path open = Files.createDirectory(tmp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThatThrownBy(() -> CaptureService.prepareSocketDir(open))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("chmod o-rwx");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwx------"));
    CaptureService.prepareSocketDir(open);
  }

  @Test
  void aSessionSpeaksOnlyForItsOwnLoginUnlessItIsRootOrTheServiceAccount() throws Exception {
    Path mapFile = Files.writeString(tmp.resolve("map"), "alice=agent-a\n");
    CaptureService s = service(AgentMap.read(mapFile));
    assertThat(s.admit(hello("alice"), "alice")).isEqualTo("agent-a");
    assertThat(s.admit(hello("alice"), "root")).isEqualTo("agent-a");
    assertThat(s.admit(hello("alice"), System.getProperty("user.name"))).isEqualTo("agent-a");
    assertThat(s.admit(hello("bob"), null))
        .as("no peer credentials on this platform")
        .isEqualTo("bob");
    assertThatThrownBy(() -> s.admit(hello("alice"), "mallory-not-the-service"))
        .isInstanceOf(IpcProtocolException.class)
        .extracting(e -> ((IpcProtocolException) e).code())
        .isEqualTo("LOGIN_MISMATCH");
    assertThatThrownBy(() -> s.admit(hello("CORP\\bob"), "root"))
        .isInstanceOf(IpcProtocolException.class)
        .extracting(e -> ((IpcProtocolException) e).code())
        .isEqualTo("UNKNOWN_LOGIN");
    assertThatThrownBy(
            () ->
                s.admit(
                    new IpcMessage.Hello(IpcMessage.VERSION + 1, "alice", ":1", 1, List.of()),
                    "root"))
        .isInstanceOf(IpcProtocolException.class)
        .extracting(e -> ((IpcProtocolException) e).code())
        .isEqualTo("UNSUPPORTED_VERSION");
  }

  @Test
  void aCaptureProcessThatIsRefusedGetsErrorAndAStaleSocketIsReplaced() throws Exception {
    Path dir = tmp.resolve("run");
    CaptureService.prepareSocketDir(dir);
    Files.createFile(dir.resolve(CaptureService.SOCKET_NAME)); // left by a killed service
    try (CaptureService s = service(AgentMap.identity()).start()) {
      try (IpcConnection c = IpcConnection.connect(s.socket())) {
        c.send(new IpcMessage.Ack(1, true, null));
        assertThat(c.read())
            .isInstanceOfSatisfying(
                IpcMessage.Error.class, e -> assertThat(e.code()).isEqualTo("UNEXPECTED_MESSAGE"));
      }
      try (IpcConnection c = IpcConnection.connect(s.socket())) {
        c.send(hello("CORP\\bob"));
        assertThat(c.read())
            .isInstanceOfSatisfying(
                IpcMessage.Error.class, e -> assertThat(e.code()).isEqualTo("UNKNOWN_LOGIN"));
      }
      assertThatThrownBy(() -> service(AgentMap.identity()).start())
          .isInstanceOf(IOException.class)
          .hasMessageContaining("another service");
    }
    assertThat(dir.resolve(CaptureService.SOCKET_NAME)).doesNotExist();
  }
}
