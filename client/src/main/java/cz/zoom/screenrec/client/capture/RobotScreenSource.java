package cz.zoom.screenrec.client.capture;

import cz.zoom.screenrec.format.ScreenLayout;
import java.awt.AWTException;
import java.awt.GraphicsDevice;
import java.awt.GraphicsEnvironment;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.SinglePixelPackedSampleModel;
import java.util.ArrayList;
import java.util.List;

/** Grabs every monitor with java.awt.Robot, one Robot per graphics device. */
public final class RobotScreenSource implements ScreenSource {
  private final List<Monitor> monitors;

  private record Monitor(ScreenLayout layout, Robot robot) {}

  private RobotScreenSource(List<Monitor> monitors) {
    this.monitors = List.copyOf(monitors);
  }

  /** The monitors of this desktop; throws IllegalStateException when there is no display. */
  public static RobotScreenSource open() {
    if (GraphicsEnvironment.isHeadless()) {
      throw new IllegalStateException("no display to capture (headless; is DISPLAY set?)");
    }
    GraphicsDevice[] devices = GraphicsEnvironment.getLocalGraphicsEnvironment().getScreenDevices();
    List<Monitor> monitors = new ArrayList<>();
    for (int i = 0; i < devices.length && i < 16; i++) {
      Rectangle b = devices[i].getDefaultConfiguration().getBounds();
      try {
        monitors.add(
            new Monitor(new ScreenLayout(i, b.x, b.y, b.width, b.height), new Robot(devices[i])));
      } catch (AWTException e) {
        throw new IllegalStateException("cannot capture screen " + i + ": " + e.getMessage(), e);
      }
    }
    return new RobotScreenSource(monitors);
  }

  @Override
  public List<ScreenLayout> screens() {
    return monitors.stream().map(Monitor::layout).toList();
  }

  @Override
  public ScreenImage grab(int screenId) {
    Monitor m =
        monitors.stream()
            .filter(x -> x.layout().id() == screenId)
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no screen " + screenId));
    ScreenLayout l = m.layout();
    BufferedImage image =
        m.robot().createScreenCapture(new Rectangle(l.x(), l.y(), l.width(), l.height()));
    return new ScreenImage(image.getWidth(), image.getHeight(), pixels(image));
  }

  @Override
  public String describe() {
    return "java.awt.Robot";
  }

  /** Takes the image's own pixel array when it is packed RGB without padding, avoiding a copy. */
  static int[] pixels(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    if ((image.getType() == BufferedImage.TYPE_INT_RGB
            || image.getType() == BufferedImage.TYPE_INT_ARGB)
        && image.getRaster().getDataBuffer() instanceof DataBufferInt db
        && image.getRaster().getSampleModel() instanceof SinglePixelPackedSampleModel sm
        && sm.getScanlineStride() == w
        && db.getNumBanks() == 1
        && db.getOffset() == 0
        && image.getRaster().getSampleModelTranslateX() == 0
        && image.getRaster().getSampleModelTranslateY() == 0
        && db.getData().length == w * h) {
      return db.getData();
    }
    return image.getRGB(0, 0, w, h, null, 0, w);
  }
}
