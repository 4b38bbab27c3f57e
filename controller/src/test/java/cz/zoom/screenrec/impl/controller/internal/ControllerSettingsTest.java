package cz.zoom.screenrec.impl.controller.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ControllerSettingsTest {
  @Test
  void splitsArgumentsOnWhitespaceKeepingQuotedParts() {
    assertThat(ControllerSettings.splitArgs(null)).isEmpty();
    assertThat(ControllerSettings.splitArgs("  ")).isEmpty();
    assertThat(ControllerSettings.splitArgs("-Xmx256m  -Djdk.gtk.version=3"))
        .containsExactly("-Xmx256m", "-Djdk.gtk.version=3");
    assertThat(ControllerSettings.splitArgs("--spool \"C:\\Agent Data\\spool\" \"\""))
        .containsExactly("--spool", "C:\\Agent Data\\spool", "");
  }
}
