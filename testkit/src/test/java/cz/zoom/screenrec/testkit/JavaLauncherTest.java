package cz.zoom.screenrec.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import org.junit.jupiter.api.Test;

class JavaLauncherTest {
  @Test
  void dropsOtherModulesFromAClasspathWhetherJarsOrClassFolders() {
    String cp =
        String.join(
            File.pathSeparator,
            "/r/server/target/classes",
            "/m2/screenrec-client-0.1.0-SNAPSHOT.jar",
            "/r/client/target/classes",
            "/m2/screenrec-protocol-0.1.0-SNAPSHOT.jar",
            "/x/client/lib/screenrec-client.jar",
            "/m2/netty.jar");
    assertThat(JavaLauncher.without(cp, "client").split(File.pathSeparator))
        .containsExactly(
            "/r/server/target/classes",
            "/m2/screenrec-protocol-0.1.0-SNAPSHOT.jar",
            "/m2/netty.jar");
  }
}
