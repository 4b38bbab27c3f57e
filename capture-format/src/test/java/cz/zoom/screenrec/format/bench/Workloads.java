package cz.zoom.screenrec.format.bench;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.Random;

/**
 * Synthetic 1920x1080 screens for the capture-format harness: an office form that is typed into, a
 * long text page that scrolls, and full-screen moving content. Rendered with Java2D (antialiased
 * text, flat UI colours) so that compression sees what a real desktop looks like.
 */
final class Workloads {
  static final int W = 1920;
  static final int H = 1080;

  /** Produces frame {@code i} of a workload into {@code rgb}, and says which rectangles changed. */
  interface Workload {
    String name();

    /**
     * Fills rgb with frame i; returns the dirty rectangles as x,y,w,h quadruples (null = unknown).
     */
    int[] frame(int i, int[] rgb);
  }

  private Workloads() {}

  static Workload staticScreen() {
    BufferedImage form = office("");
    int[] px = pixels(form);
    return new Workload() {
      public String name() {
        return "static";
      }

      public int[] frame(int i, int[] rgb) {
        System.arraycopy(px, 0, rgb, 0, px.length);
        return new int[0];
      }
    };
  }

  static Workload typing() {
    String text =
        "Customer reports that the invoice for March was charged twice; refund requested. ";
    BufferedImage img = office("");
    Graphics2D g = graphics(img);
    return new Workload() {
      public String name() {
        return "typing";
      }

      public int[] frame(int i, int[] rgb) {
        // Two characters per frame (about 10 characters a second at 5 fps) and a blinking caret.
        int n = Math.min(text.length(), 2 * i);
        g.setColor(Color.WHITE);
        g.fillRect(NOTE_X, NOTE_Y, 900, 30);
        g.setColor(new Color(0x20, 0x20, 0x20));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        g.drawString(text.substring(0, n), NOTE_X + 6, NOTE_Y + 20);
        int caret = NOTE_X + 6 + g.getFontMetrics().stringWidth(text.substring(0, n));
        if (i % 2 == 0) {
          g.fillRect(caret + 1, NOTE_Y + 6, 1, 18);
        }
        System.arraycopy(pixels(img), 0, rgb, 0, rgb.length);
        return new int[] {NOTE_X, NOTE_Y, 900, 30};
      }
    };
  }

  static Workload scrolling() {
    int pageHeight = 12000;
    BufferedImage page = new BufferedImage(W, pageHeight, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = graphics(page);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, pageHeight);
    g.setColor(new Color(0x22, 0x22, 0x22));
    g.setFont(new Font(Font.SERIF, Font.PLAIN, 16));
    Random rnd = new Random(7);
    String[] words =
        ("the of and to in is that for it as was with be by on not he this are or his from at "
                + "which but have an they you were her she there been one all we their has would when if so no "
                + "contract customer invoice payment account support ticket refund escalation policy")
            .split(" ");
    for (int y = 140; y < pageHeight; y += 22) {
      StringBuilder line = new StringBuilder();
      while (line.length() < 150) {
        line.append(words[rnd.nextInt(words.length)]).append(' ');
      }
      if (rnd.nextInt(12) == 0) {
        y += 22; // paragraph break
      }
      g.drawString(line.toString(), 300, y);
    }
    BufferedImage chrome = office("");
    int[] chromePx = pixels(chrome);
    int[] pagePx = pixels(page);
    int top = 100;
    return new Workload() {
      public String name() {
        return "scrolling";
      }

      public int[] frame(int i, int[] rgb) {
        // Three lines (66 px) per frame, under a fixed toolbar.
        System.arraycopy(chromePx, 0, rgb, 0, top * W);
        int offset = (i * 66) % (pageHeight - H);
        System.arraycopy(pagePx, offset * W, rgb, top * W, (H - top) * W);
        return new int[] {0, top, W, H - top};
      }
    };
  }

  static Workload fullChange() {
    int[] sin = new int[1024];
    for (int k = 0; k < sin.length; k++) {
      sin[k] = (int) (127 + 127 * Math.sin(k * 2 * Math.PI / sin.length));
    }
    Random rnd = new Random(3);
    return new Workload() {
      public String name() {
        return "full-change";
      }

      public int[] frame(int i, int[] rgb) {
        // Moving plasma with sensor-like noise in the low bits: video, the lossless worst case.
        for (int y = 0; y < H; y++) {
          for (int x = 0; x < W; x++) {
            int v =
                sin[(x * 2 + i * 16) & 1023]
                    + sin[(y * 3 + i * 8) & 1023]
                    + sin[((x + y) + i * 24) & 1023];
            int r = sin[(v + i * 4) & 1023];
            int gr = sin[(v * 2 + 256) & 1023];
            int b = sin[(v * 3 + 512) & 1023];
            int noise = rnd.nextInt(4);
            rgb[y * W + x] = (r ^ noise) << 16 | (gr ^ noise) << 8 | (b ^ noise);
          }
        }
        return new int[] {0, 0, W, H};
      }
    };
  }

  static final int NOTE_X = 420;
  static final int NOTE_Y = 560;

  /** A CRM-like window: title bar, menu, navigation list, a form with fields and a table. */
  static BufferedImage office(String note) {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = graphics(img);
    g.setColor(new Color(0xF3, 0xF3, 0xF3));
    g.fillRect(0, 0, W, H);
    g.setColor(new Color(0x2B, 0x57, 0x9A));
    g.fillRect(0, 0, W, 36);
    g.setColor(Color.WHITE);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString("Contoso CRM - Case 2024-117734 - Alice Agent", 16, 24);
    g.setColor(new Color(0xE6, 0xE6, 0xE6));
    g.fillRect(0, 36, W, 64);
    g.setColor(Color.DARK_GRAY);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    String[] menu = {"File", "Edit", "View", "Cases", "Customers", "Reports", "Tools", "Help"};
    for (int k = 0; k < menu.length; k++) {
      g.drawString(menu[k], 16 + k * 90, 60);
    }
    g.setColor(new Color(0xFA, 0xFA, 0xFA));
    g.fillRect(0, 100, 360, H - 100);
    g.setColor(new Color(0x33, 0x33, 0x33));
    for (int k = 0; k < 30; k++) {
      g.drawString("Case 2024-1177" + (10 + k) + "  open  " + (k % 7 + 1) + "d", 20, 130 + k * 30);
    }
    String[] labels = {
      "Customer", "Account no.", "Phone", "E-mail", "Product", "Priority", "Status"
    };
    for (int k = 0; k < labels.length; k++) {
      g.setColor(new Color(0x44, 0x44, 0x44));
      g.drawString(labels[k], 420, 150 + k * 50);
      g.setColor(Color.WHITE);
      g.fillRect(560, 130 + k * 50, 500, 30);
      g.setColor(new Color(0xAA, 0xAA, 0xAA));
      g.drawRect(560, 130 + k * 50, 500, 30);
      g.setColor(Color.BLACK);
      g.drawString("value " + labels[k].toLowerCase() + " " + (k * 7919 % 1000), 568, 150 + k * 50);
    }
    g.setColor(Color.WHITE);
    g.fillRect(NOTE_X, NOTE_Y, 900, 30);
    g.setColor(new Color(0xAA, 0xAA, 0xAA));
    g.drawRect(NOTE_X - 1, NOTE_Y - 1, 901, 31);
    for (int r = 0; r < 12; r++) {
      g.setColor(r % 2 == 0 ? Color.WHITE : new Color(0xF7, 0xF9, 0xFC));
      g.fillRect(420, 640 + r * 30, 1400, 30);
      g.setColor(new Color(0x33, 0x33, 0x33));
      g.drawString(
          "2024-03-"
              + (10 + r)
              + "   Invoice "
              + (4400 + r * 17)
              + "   "
              + (r * 37 % 500)
              + ".00 EUR   paid",
          430,
          660 + r * 30);
    }
    g.setColor(new Color(0x2B, 0x57, 0x9A));
    g.fillRoundRect(1600, 130, 200, 40, 8, 8);
    g.setColor(Color.WHITE);
    g.drawString("Save case", 1660, 155);
    return img;
  }

  private static Graphics2D graphics(BufferedImage img) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    return g;
  }

  static int[] pixels(BufferedImage img) {
    return ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
  }
}
