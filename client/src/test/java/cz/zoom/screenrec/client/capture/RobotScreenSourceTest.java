package cz.zoom.screenrec.client.capture;

import static org.assertj.core.api.Assertions.assertThat;

import cz.zoom.screenrec.format.ScreenLayout;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

class RobotScreenSourceTest {

  @Test
  @EnabledIfEnvironmentVariable(named = "DISPLAY", matches = ".+")
  void grabsEveryMonitorAtItsSize() {
    RobotScreenSource source = RobotScreenSource.open();
    assertThat(source.screens()).isNotEmpty();
    for (ScreenLayout screen : source.screens()) {
      ScreenImage image = source.grab(screen.id());
      assertThat(image.width()).isEqualTo(screen.width());
      assertThat(image.height()).isEqualTo(screen.height());
      assertThat(image.rgb()).hasSize(screen.width() * screen.height());
    }
  }

  @Test
  void readsPixelsOfAnyImageType() {
    BufferedImage rgb = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    rgb.setRGB(2, 1, 0x123456);
    assertThat(RobotScreenSource.pixels(rgb)[5] & 0xFFFFFF).isEqualTo(0x123456);
    BufferedImage bgr = new BufferedImage(3, 2, BufferedImage.TYPE_3BYTE_BGR);
    bgr.setRGB(1, 0, 0xABCDEF);
    assertThat(RobotScreenSource.pixels(bgr)[1] & 0xFFFFFF).isEqualTo(0xABCDEF);
  }
}
