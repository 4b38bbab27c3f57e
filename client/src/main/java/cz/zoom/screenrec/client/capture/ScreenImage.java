package cz.zoom.screenrec.client.capture;

/**
 * One grabbed picture of a screen.
 *
 * @param rgb 0xRRGGBB pixels row by row, exactly width*height of them (high byte ignored)
 */
public record ScreenImage(int width, int height, int[] rgb) {
  public ScreenImage {
    if (width < 1 || height < 1 || rgb.length < width * height) {
      throw new IllegalArgumentException(
          "image " + width + "x" + height + " has only " + rgb.length + " pixels");
    }
  }
}
