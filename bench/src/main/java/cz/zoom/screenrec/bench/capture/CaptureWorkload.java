package cz.zoom.screenrec.bench.capture;

import cz.zoom.screenrec.testkit.VideoClips;
import java.awt.Color;
import java.awt.Font;
import java.awt.Frame;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Toolkit;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A scripted desktop for {@link CaptureBench}, run in its own JVM on the bench's display: one
 * undecorated window covering the screen, painted the way real applications paint: only what
 * changed (office), by blitting and painting the uncovered strip (scroll), or whole frames (video).
 * Deterministic for a seed, so every recorder sees the same sequence.
 *
 * <p>Two more show a real player: {@code window} is the office screen with {@code ffplay} playing a
 * compressed clip in an 854x480 window in the middle of it; {@code fullvideo} is {@code ffplay}
 * playing a clip of the screen's size over all of it. The clips ({@link CaptureBench#clip}) are
 * made with FFmpeg: a fractal zoom softened as a camera would (Gaussian blur, sigma 2.5), with
 * moving colours and film grain (noise 5, changing every frame), encoded with x264 at crf 23 — not
 * a synthetic gradient.
 *
 * <pre>java ... CaptureWorkload office|scroll|video|window|fullvideo WIDTH HEIGHT SEED [CLIP]</pre>
 */
public final class CaptureWorkload {
  /** The player window of the {@code window} workload. */
  public static final int WINDOW_WIDTH = 854;

  public static final int WINDOW_HEIGHT = 480;

  private CaptureWorkload() {}

  /** Where the {@code window} workload puts its player: x, y, width, height. */
  static int[] window(int width, int height) {
    return new int[] {
      (width - WINDOW_WIDTH) / 2, (height - WINDOW_HEIGHT) / 2, WINDOW_WIDTH, WINDOW_HEIGHT
    };
  }

  public static void main(String[] args) throws Exception {
    String kind = args[0];
    int width = Integer.parseInt(args[1]);
    int height = Integer.parseInt(args[2]);
    long seed = Long.parseLong(args[3]);
    Frame frame = new Frame("workload " + kind);
    frame.setUndecorated(true);
    frame.setBounds(0, 0, width, height);
    frame.setIgnoreRepaint(true);
    frame.setBackground(Color.WHITE);
    frame.setVisible(true);
    Toolkit.getDefaultToolkit().sync();
    Runnable script =
        switch (kind) {
          case "office" -> office(frame, width, height, seed);
          case "scroll" -> scroll(frame, width, height, seed);
          case "video" -> video(frame, width, height, seed);
          case "window" -> {
            int[] w = window(width, height);
            play(args[4], w[0], w[1]);
            yield office(frame, width, height, seed);
          }
          case "fullvideo" -> {
            frame.setBackground(Color.BLACK);
            play(args[4], 0, 0);
            yield () -> sleepUntil(Long.MAX_VALUE);
          }
          default ->
              throw new IllegalArgumentException(
                  "workload office|scroll|video|window|fullvideo, not " + kind);
        };
    System.out.println("READY");
    System.out.flush();
    script.run();
  }

  /** ffplay in a borderless window at (x, y) of the clip's size, looping, ended with this JVM. */
  private static void play(String clip, int x, int y) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(VideoClips.play(Path.of(clip), x, y))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("SDL_AUDIODRIVER", "dummy");
    Process player = pb.start();
    Runtime.getRuntime().addShutdownHook(new Thread(player::destroyForcibly));
    // the player's window is up and showing pictures before the workload says READY
    Thread.sleep(1500);
    if (!player.isAlive()) {
      throw new IllegalStateException("ffplay ended at once (exit " + player.exitValue() + ")");
    }
  }

  private static void sleepUntil(long deadlineNanos) {
    long wait = deadlineNanos - System.nanoTime();
    if (wait > 0) {
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The codec bench's CRM screen (form typing, ticket list, notes, a view switch every 6-10 s, a
   * clock) at 10 pictures a second; only the 32x32 blocks that differ from the previous picture are
   * drawn, as a toolkit repaints a text field and not the window.
   */
  private static Runnable office(Frame frame, int width, int height, long seed) throws Exception {
    // CrmScreen is package-private in the codec bench; reused rather than copied
    Class<?> crm = Class.forName("cz.zoom.screenrec.bench.codec.CrmScreen");
    Constructor<?> ctor =
        crm.getDeclaredConstructor(int.class, int.class, int.class, long.class, long.class);
    ctor.setAccessible(true);
    Method next = crm.getDeclaredMethod("next");
    next.setAccessible(true);
    int fps = 10;
    Object screen = ctor.newInstance(width, height, fps, System.currentTimeMillis(), seed);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int[] shown = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    boolean[] first = {true};
    return () -> {
      long period = 1_000_000_000L / fps;
      long t = System.nanoTime();
      while (true) {
        int[] px;
        try {
          px = (int[]) next.invoke(screen);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
        Graphics g = frame.getGraphics();
        if (first[0]) {
          System.arraycopy(px, 0, shown, 0, px.length);
          g.drawImage(image, 0, 0, null);
          first[0] = false;
        } else {
          for (int[] r : changedBlocks(shown, px, width, height, 32)) {
            for (int y = r[1]; y < r[1] + r[3]; y++) {
              System.arraycopy(px, y * width + r[0], shown, y * width + r[0], r[2]);
            }
            g.drawImage(
                image,
                r[0],
                r[1],
                r[0] + r[2],
                r[1] + r[3],
                r[0],
                r[1],
                r[0] + r[2],
                r[1] + r[3],
                null);
          }
        }
        g.dispose();
        Toolkit.getDefaultToolkit().sync();
        t += period;
        sleepUntil(t);
      }
    };
  }

  /** Rows of changed blocks, each run of changed blocks in a block row as one rectangle. */
  static List<int[]> changedBlocks(int[] a, int[] b, int width, int height, int block) {
    List<int[]> rects = new ArrayList<>();
    for (int by = 0; by < height; by += block) {
      int bh = Math.min(block, height - by);
      int runStart = -1;
      for (int bx = 0; bx <= width; bx += block) {
        boolean changed = false;
        if (bx < width) {
          int bw = Math.min(block, width - bx);
          for (int y = by; y < by + bh && !changed; y++) {
            int from = y * width + bx;
            changed = java.util.Arrays.mismatch(a, from, from + bw, b, from, from + bw) >= 0;
          }
        }
        if (changed && runStart < 0) {
          runStart = bx;
        } else if (!changed && runStart >= 0) {
          rects.add(new int[] {runStart, by, Math.min(bx, width) - runStart, bh});
          runStart = -1;
        }
      }
    }
    return rects;
  }

  /**
   * A long text document in a viewer: a static title bar, and the page scrolled like with a mouse
   * wheel: bursts of 1.5 s at 25 steps of 24 px a second (now and then upwards), then 1.5 s of
   * reading. Each step blits the page and paints only the uncovered lines, as text viewers do.
   */
  private static Runnable scroll(Frame frame, int width, int height, long seed) {
    Random random = new Random(seed);
    int top = 64;
    int lineHeight = 22;
    int lines = 4000;
    String[] text = new String[lines];
    String[] words = {
      "call",
      "agent",
      "customer",
      "ticket",
      "contract",
      "invoice",
      "the",
      "a",
      "of",
      "and",
      "with",
      "screen",
      "record",
      "queue",
      "support",
      "billing",
      "address",
      "payment",
      "order",
      "status",
      "request",
      "Prague",
      "Brno",
      "ZOOM",
      "2026",
      "42",
      "CZ-1204",
      "refund",
      "escalated",
      "resolved"
    };
    for (int i = 0; i < lines; i++) {
      StringBuilder sb = new StringBuilder();
      if (i % 25 == 0) {
        sb.append("Section ").append(i / 25 + 1).append(": ");
      }
      int n = i % 25 == 24 ? 0 : 6 + random.nextInt(14);
      for (int w = 0; w < n; w++) {
        sb.append(words[random.nextInt(words.length)]).append(' ');
      }
      text[i] = sb.toString();
    }
    Font font = new Font(Font.SERIF, Font.PLAIN, 17);
    Font bold = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    int viewH = height - top;
    int maxOffset = lines * lineHeight - viewH;
    return () -> {
      int offset = 0;
      Graphics2D g0 = (Graphics2D) frame.getGraphics();
      g0.setColor(new Color(0x2B4C7E));
      g0.fillRect(0, 0, width, top);
      g0.setColor(Color.WHITE);
      g0.setFont(bold);
      g0.drawString("Knowledge base — Handling refunds and escalations (document viewer)", 24, 40);
      paintLines(g0, text, font, width, top, height, offset, top, height, lineHeight);
      g0.dispose();
      long period = 40_000_000L;
      long t = System.nanoTime();
      int step = 0;
      while (true) {
        int phase = step % 75; // 37 steps (1.5 s) of scrolling, 38 of reading
        int dir = (step / 75) % 5 == 4 ? -1 : 1;
        if (phase < 37) {
          int dy = 24 * dir;
          int next = Math.max(0, Math.min(maxOffset, offset + dy));
          dy = next - offset;
          if (dy != 0) {
            Graphics2D g = (Graphics2D) frame.getGraphics();
            g.setRenderingHint(
                RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            if (dy > 0) {
              g.copyArea(0, top + dy, width, viewH - dy, 0, -dy);
              paintLines(g, text, font, width, top, height, next, height - dy, height, lineHeight);
            } else {
              g.copyArea(0, top, width, viewH + dy, 0, -dy);
              paintLines(g, text, font, width, top, height, next, top, top - dy, lineHeight);
            }
            g.dispose();
            offset = next;
          }
        }
        Toolkit.getDefaultToolkit().sync();
        step++;
        t += period;
        sleepUntil(t);
      }
    };
  }

  /** Paints the document rows [y0, y1) of the window for a scroll offset. */
  private static void paintLines(
      Graphics2D g,
      String[] text,
      Font font,
      int width,
      int top,
      int height,
      int offset,
      int y0,
      int y1,
      int lineHeight) {
    g.setClip(0, y0, width, y1 - y0);
    g.setColor(Color.WHITE);
    g.fillRect(0, y0, width, y1 - y0);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(font);
    int firstLine = Math.max(0, (offset + y0 - top) / lineHeight - 1);
    int lastLine = Math.min(text.length - 1, (offset + y1 - top) / lineHeight + 1);
    for (int i = firstLine; i <= lastLine; i++) {
      int baseline = top + i * lineHeight - offset + 16;
      g.setColor(i % 25 == 0 ? new Color(0x1F3A5F) : new Color(0x222222));
      g.drawString(text[i], 80, baseline);
    }
    // scroll bar
    g.setColor(new Color(0xE0E0E0));
    g.fillRect(width - 16, y0, 16, y1 - y0);
    g.setClip(null);
  }

  /**
   * Video-like content at 25 pictures a second over the whole screen: a moving plasma (smooth
   * colour fields, as in filmed scenes) with film grain, which defeats lossless coding as real
   * video does.
   */
  private static Runnable video(Frame frame, int width, int height, long seed) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int[] px = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    int[] sin = new int[1024];
    for (int i = 0; i < sin.length; i++) {
      sin[i] = (int) (127 * Math.sin(i * 2 * Math.PI / sin.length));
    }
    int[] palette = new int[1024];
    for (int i = 0; i < palette.length; i++) {
      double a = i * 2 * Math.PI / palette.length;
      int r = (int) (128 + 100 * Math.sin(a));
      int gr = (int) (128 + 100 * Math.sin(a + 2.1));
      int b = (int) (128 + 100 * Math.sin(a + 4.2));
      palette[i] = r << 16 | gr << 8 | b;
    }
    byte[] grain = new byte[1 << 20];
    new Random(seed).nextBytes(grain);
    return () -> {
      long period = 40_000_000L;
      long t = System.nanoTime();
      int f = 0;
      Random random = new Random(seed + 1);
      while (true) {
        int t1 = f * 3;
        int t2 = f * 5;
        int t3 = f * 2;
        int grainOffset = random.nextInt(grain.length);
        for (int y = 0; y < height; y++) {
          int sy = sin[(y / 2 + t2) & 1023];
          int row = y * width;
          for (int x = 0; x < width; x++) {
            int v = sin[(x / 3 + t1) & 1023] + sy + sin[((x + y) / 4 + t3) & 1023];
            int p = palette[(v + 512) & 1023];
            int n = grain[(grainOffset + row + x) & (grain.length - 1)] >> 5; // -4..3
            int r = clamp(((p >> 16) & 0xFF) + n);
            int gg = clamp(((p >> 8) & 0xFF) + n);
            int b = clamp((p & 0xFF) + n);
            px[row + x] = r << 16 | gg << 8 | b;
          }
        }
        Graphics g = frame.getGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        Toolkit.getDefaultToolkit().sync();
        f++;
        t += period;
        sleepUntil(t);
      }
    };
  }

  private static int clamp(int v) {
    return v < 0 ? 0 : Math.min(255, v);
  }
}
