package cz.zoom.screenrec.bench.codec;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A synthetic agent desktop: a CRM application with a customer form, a ticket list and a notes
 * view, text typed at a human pace, a clock and a call timer ticking, and a switch to another view
 * every several seconds. Deterministic for a given seed, so a second instance replays the same
 * pictures (the benchmark compares decoded frames against them without keeping them all).
 */
final class CrmScreen {
  private static final String[] SYLLABLES = {
    "no", "va", "ka", "ri", "to", "mes", "lan", "der", "cz", "pra", "ha", "zoom", "ti", "ket",
    "sta", "vo", "ne", "lo", "rum", "ex"
  };
  private static final String[] MENU = {
    "Dashboard",
    "Customers",
    "Tickets",
    "Notes",
    "Orders",
    "Invoices",
    "Contracts",
    "Products",
    "Campaigns",
    "Reports",
    "Knowledge base",
    "Settings"
  };
  private static final String[] FIELDS = {
    "First name",
    "Last name",
    "Company",
    "E-mail",
    "Phone",
    "Street",
    "City",
    "Postcode",
    "Country",
    "Customer ID",
    "Contract",
    "Preferred contact"
  };

  private final int width;
  private final int height;
  private final int fps;
  private final long startedAt;
  private final Random random;
  private final BufferedImage image;
  private final int[] pixels;
  private final Font ui = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
  private final Font bold = new Font(Font.SANS_SERIF, Font.BOLD, 15);
  private final Font title = new Font(Font.SANS_SERIF, Font.BOLD, 20);
  private final Font mono = new Font(Font.MONOSPACED, Font.PLAIN, 15);
  private final List<String[]> tickets = new ArrayList<>();
  private final String[] fieldTargets = new String[FIELDS.length];
  private final int[] fieldTyped = new int[FIELDS.length];
  private final StringBuilder notes = new StringBuilder();
  private String noteTarget;
  private int view;
  private int field;
  private int selectedRow;
  private int frame;
  private int nextSwitch;
  private int pauseFrames;

  CrmScreen(int width, int height, int fps, long startedAt, long seed) {
    this.width = width;
    this.height = height;
    this.fps = fps;
    this.startedAt = startedAt;
    this.random = new Random(seed);
    this.image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    this.pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < 40; i++) {
      tickets.add(
          new String[] {
            "T-" + (10400 + i * 7),
            words(3),
            words(1),
            i % 3 == 0 ? "Open" : "Closed",
            String.format("2026-0%d-%02d", 1 + i % 9, 1 + i % 28)
          });
    }
    for (int i = 0; i < FIELDS.length; i++) {
      fieldTargets[i] = words(1 + random.nextInt(3));
    }
    noteTarget = sentence(60);
    nextSwitch = fps * (6 + random.nextInt(5));
  }

  /** Advances one frame and returns its pixels (0xRRGGBB, reused by the next call). */
  int[] next() {
    step();
    draw();
    frame++;
    return pixels;
  }

  /** Capture time of the frame the next call to {@link #next()} returns. */
  long nextTime() {
    return startedAt + frame * 1000L / fps;
  }

  private void step() {
    if (frame == nextSwitch) {
      view = (view + 1 + random.nextInt(2)) % 3;
      selectedRow = random.nextInt(20);
      nextSwitch = frame + fps * (6 + random.nextInt(5));
      pauseFrames = fps;
      return;
    }
    if (pauseFrames > 0) {
      pauseFrames--;
      return;
    }
    // A human types about 3-5 characters a second and stops now and then.
    int chars = random.nextInt(100) < 10 ? 0 : 1 + random.nextInt(Math.max(1, 5 / fps + 1));
    switch (view) {
      case 0 -> {
        for (int c = 0; c < chars; c++) {
          if (fieldTyped[field] < fieldTargets[field].length()) {
            fieldTyped[field]++;
          } else {
            field = (field + 1) % FIELDS.length;
            if (field == 0) {
              for (int i = 0; i < FIELDS.length; i++) {
                fieldTargets[i] = words(1 + random.nextInt(3));
                fieldTyped[i] = 0;
              }
            }
            pauseFrames = random.nextInt(fps + 1);
            break;
          }
        }
      }
      case 1 -> {
        if (random.nextInt(fps * 2) == 0) {
          selectedRow = (selectedRow + 1) % 25;
        }
      }
      default -> {
        for (int c = 0; c < chars; c++) {
          if (notes.length() >= 1400) {
            notes.setLength(0);
          }
          if (noteTarget.isEmpty()) {
            noteTarget = sentence(60);
          }
          notes.append(noteTarget.charAt(0));
          noteTarget = noteTarget.substring(1);
        }
      }
    }
  }

  private void draw() {
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      // desktop and application frame
      g.setColor(new Color(0xEEF1F5));
      g.fillRect(0, 0, width, height);
      g.setColor(new Color(0x1F3A5F));
      g.fillRect(0, 0, width, 48);
      g.setColor(Color.WHITE);
      g.setFont(title);
      g.drawString("ZOOM CRM  —  Contact Centre Desktop", 20, 32);
      long now = nextTime();
      long secondsOfDay = (now / 1000) % 86400;
      g.setFont(mono);
      g.drawString(
          String.format(
              "%02d:%02d:%02d", secondsOfDay / 3600, secondsOfDay / 60 % 60, secondsOfDay % 60),
          width - 110,
          30);
      // navigation
      g.setColor(new Color(0x2B4C7E));
      g.fillRect(0, 48, 230, height - 48 - 30);
      g.setFont(ui);
      int selectedMenu = new int[] {1, 2, 3}[view];
      for (int i = 0; i < MENU.length; i++) {
        if (i == selectedMenu) {
          g.setColor(new Color(0x4A90D9));
          g.fillRect(0, 70 + i * 40, 230, 36);
        }
        g.setColor(Color.WHITE);
        g.drawString(MENU[i], 24, 94 + i * 40);
      }
      // status bar with the call timer
      g.setColor(new Color(0xD5DBE3));
      g.fillRect(0, height - 30, width, 30);
      g.setColor(new Color(0x333333));
      long callSeconds = (now - startedAt) / 1000;
      g.drawString(
          String.format(
              "On call with +420 555 0%03d   %02d:%02d   Queue: Support CZ   Agent: alice",
              412, callSeconds / 60, callSeconds % 60),
          16,
          height - 10);
      switch (view) {
        case 0 -> drawForm(g);
        case 1 -> drawTickets(g);
        default -> drawNotes(g);
      }
    } finally {
      g.dispose();
    }
  }

  private void drawForm(Graphics2D g) {
    panel(g, "Customer detail");
    g.setFont(ui);
    for (int i = 0; i < FIELDS.length; i++) {
      int col = i % 2;
      int row = i / 2;
      int x = 290 + col * 780;
      int y = 150 + row * 90;
      g.setColor(new Color(0x555555));
      g.drawString(FIELDS[i], x, y);
      g.setColor(Color.WHITE);
      g.fillRect(x, y + 10, 700, 40);
      g.setColor(i == field ? new Color(0x4A90D9) : new Color(0xAAB4C0));
      g.setStroke(new BasicStroke(i == field ? 2f : 1f));
      g.drawRect(x, y + 10, 700, 40);
      g.setColor(Color.BLACK);
      String text = fieldTargets[i].substring(0, fieldTyped[i]);
      g.drawString(text, x + 10, y + 36);
      if (i == field && (frame / Math.max(1, fps / 2)) % 2 == 0) {
        int cx = x + 11 + g.getFontMetrics().stringWidth(text);
        g.drawLine(cx, y + 18, cx, y + 42);
      }
    }
    g.setColor(new Color(0x4A90D9));
    g.fillRoundRect(290, 720, 160, 44, 8, 8);
    g.setColor(Color.WHITE);
    g.setFont(bold);
    g.drawString("Save", 348, 748);
  }

  private void drawTickets(Graphics2D g) {
    panel(g, "Tickets");
    String[] head = {"Ticket", "Subject", "Owner", "State", "Created"};
    int[] colX = {290, 450, 1100, 1350, 1550};
    g.setFont(bold);
    g.setColor(new Color(0x333333));
    for (int c = 0; c < head.length; c++) {
      g.drawString(head[c], colX[c], 150);
    }
    g.setFont(ui);
    for (int r = 0; r < 25; r++) {
      int y = 170 + r * 32;
      if (r == selectedRow) {
        g.setColor(new Color(0xCFE3FA));
        g.fillRect(280, y, 1600, 32);
      } else if (r % 2 == 1) {
        g.setColor(new Color(0xF6F8FA));
        g.fillRect(280, y, 1600, 32);
      }
      g.setColor(Color.BLACK);
      String[] t = tickets.get((r + selectedRow / 5) % tickets.size());
      for (int c = 0; c < t.length; c++) {
        g.drawString(t[c], colX[c], y + 22);
      }
    }
  }

  private void drawNotes(Graphics2D g) {
    panel(g, "Call notes");
    g.setColor(Color.WHITE);
    g.fillRect(290, 130, 1560, 860);
    g.setColor(new Color(0xAAB4C0));
    g.drawRect(290, 130, 1560, 860);
    g.setColor(Color.BLACK);
    g.setFont(ui);
    int perLine = 150;
    int y = 160;
    for (int i = 0; i < notes.length(); i += perLine) {
      g.drawString(notes.substring(i, Math.min(notes.length(), i + perLine)), 305, y);
      y += 24;
    }
  }

  private void panel(Graphics2D g, String name) {
    g.setColor(Color.WHITE);
    g.fillRect(260, 70, width - 280, height - 70 - 50);
    g.setColor(new Color(0xC8D0DA));
    g.drawRect(260, 70, width - 280, height - 70 - 50);
    g.setColor(new Color(0x1F3A5F));
    g.setFont(title);
    g.drawString(name, 290, 108);
  }

  private String words(int n) {
    StringBuilder b = new StringBuilder();
    for (int w = 0; w < n; w++) {
      if (w > 0) {
        b.append(' ');
      }
      int syl = 1 + random.nextInt(3);
      for (int s = 0; s < syl; s++) {
        b.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
      }
      if (w == 0) {
        b.setCharAt(0, Character.toUpperCase(b.charAt(0)));
      }
    }
    return b.toString();
  }

  private String sentence(int approxChars) {
    StringBuilder b = new StringBuilder();
    while (b.length() < approxChars) {
      b.append(words(1 + random.nextInt(4))).append(random.nextInt(4) == 0 ? ". " : ", ");
    }
    return b.toString();
  }
}
