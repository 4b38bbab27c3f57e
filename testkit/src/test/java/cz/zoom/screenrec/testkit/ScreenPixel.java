package cz.zoom.screenrec.testkit;

import java.awt.Color;
import java.awt.Robot;

/** Run in a child JVM with DISPLAY set: prints the colour of one pixel as rrggbb. */
public final class ScreenPixel {
  public static void main(String[] args) throws Exception {
    Color c = new Robot().getPixelColor(Integer.parseInt(args[0]), Integer.parseInt(args[1]));
    System.out.printf("%02x%02x%02x%n", c.getRed(), c.getGreen(), c.getBlue());
  }
}
