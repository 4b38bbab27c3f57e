package cz.zoom.screenrec.bench.e2e;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.GraphicsEnvironment;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.swing.JFrame;
import javax.swing.JPanel;
import javax.swing.SwingUtilities;
import javax.swing.Timer;

/**
 * A full-screen CRM-like desktop that changes as an agent's does during a call: text typed into a
 * notes field at about 300 characters a minute, a caret blinking, a clock ticking, the history
 * table scrolling every 8 s and the tab switching every 20 s (the form fields and the whole table
 * change). Seeded, so every run shows the same thing. Run in its own JVM with DISPLAY set: {@code
 * OfficeScreen SECONDS}.
 */
public final class OfficeScreen extends JPanel {
  static final String TITLE = "ScreenRec bench CRM";
  private static final String[] SENTENCES = {
    "Customer calls about the invoice from March, amount 1 249.00 EUR. ",
    "Asked to change the delivery address to Nadrazni 12, Brno. ",
    "Verified identity with date of birth and the last four digits. ",
    "Promised a callback tomorrow before noon; ticket escalated to billing. ",
    "Explained the new tariff, customer will think about it. ",
    "Card payment failed twice, offered a bank transfer instead. ",
  };
  private static final String[] TABS = {"Contact", "Orders", "Tickets", "Notes"};
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final Random random = new Random(42);
  private final StringBuilder notes = new StringBuilder();
  private final List<String[]> history = new ArrayList<>();
  private final long startNanos = System.nanoTime();
  private String pending = "";
  private int scroll;
  private int tab;
  private boolean caret;

  OfficeScreen() {
    setBackground(Color.WHITE);
    for (int i = 0; i < 200; i++) {
      history.add(
          new String[] {
            String.format("2026-%02d-%02d", 1 + i % 12, 1 + i % 28),
            String.format("#%06d", 100000 + random.nextInt(900000)),
            i % 3 == 0 ? "Invoice" : i % 3 == 1 ? "Call" : "E-mail",
            String.format("%,d.%02d", random.nextInt(5000), random.nextInt(100)),
            i % 5 == 0 ? "open" : "closed"
          });
    }
  }

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3600;
    SwingUtilities.invokeAndWait(
        () -> {
          OfficeScreen screen = new OfficeScreen();
          JFrame frame = new JFrame(TITLE);
          frame.setUndecorated(true);
          Rectangle bounds =
              GraphicsEnvironment.getLocalGraphicsEnvironment().getMaximumWindowBounds();
          frame.setBounds(bounds);
          screen.setPreferredSize(new Dimension(bounds.width, bounds.height));
          frame.setContentPane(screen);
          frame.setDefaultCloseOperation(JFrame.EXIT_ON_CLOSE);
          frame.setVisible(true);
          // a key press every 200 ms (~300 characters a minute, a fast typist), everything else
          // follows it
          new Timer(200, e -> screen.step()).start();
        });
    Thread.sleep(seconds * 1000L); // the program's lifetime, not a synchronisation
    System.exit(0);
  }

  private void step() {
    long elapsedMs = (System.nanoTime() - startNanos) / 1_000_000;
    if (pending.isEmpty()) {
      pending = SENTENCES[random.nextInt(SENTENCES.length)];
    }
    notes.append(pending.charAt(0));
    pending = pending.substring(1);
    if (notes.length() > 900) {
      notes.delete(0, notes.indexOf(" ", 300) + 1);
    }
    caret = (elapsedMs / 500) % 2 == 0;
    scroll = (int) (elapsedMs / 8000) * 3;
    tab = (int) (elapsedMs / 20000) % TABS.length;
    repaint();
  }

  @Override
  protected void paintComponent(Graphics g0) {
    super.paintComponent(g0);
    Graphics2D g = (Graphics2D) g0;
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_LCD_HRGB);
    int w = getWidth();
    int h = getHeight();
    // header bar with the clock
    g.setColor(new Color(0x1f3b63));
    g.fillRect(0, 0, w, 48);
    g.setColor(Color.WHITE);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
    g.drawString("Contoso CRM  —  Call with Jana Novakova  +420 601 234 567", 16, 31);
    g.drawString(LocalTime.now().format(CLOCK), w - 110, 31);
    // navigation on the left
    g.setColor(new Color(0xeef1f5));
    g.fillRect(0, 48, 220, h - 48);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 16));
    String[] nav = {
      "Dashboard", "Customers", "Orders", "Tickets", "Knowledge base", "Reports", "Settings"
    };
    for (int i = 0; i < nav.length; i++) {
      g.setColor(i == 1 ? new Color(0xd0dcec) : new Color(0xeef1f5));
      g.fillRect(0, 60 + i * 40, 220, 36);
      g.setColor(new Color(0x223344));
      g.drawString(nav[i], 20, 84 + i * 40);
    }
    // tabs
    int x0 = 240;
    for (int i = 0; i < TABS.length; i++) {
      g.setColor(i == tab ? Color.WHITE : new Color(0xdde3ea));
      g.fillRect(x0 + i * 150, 60, 146, 36);
      g.setColor(new Color(0x223344));
      g.drawString(TABS[i], x0 + i * 150 + 16, 84);
    }
    g.setColor(new Color(0xb0b8c4));
    g.drawLine(x0, 96, w - 20, 96);
    // tab content: a form on the left, the history table on the right
    int formW = Math.min(700, (w - x0) / 2);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
    String[][] fields = {
      {"Name", "Jana Novakova"},
      {"Customer no.", "C-" + (481516 + tab)},
      {"E-mail", "jana.novakova@example.cz"},
      {"Street", "Nadrazni 12"},
      {"City", tab % 2 == 0 ? "Brno" : "Praha"},
      {"Segment", TABS[tab]}
    };
    for (int i = 0; i < fields.length; i++) {
      int y = 120 + i * 48;
      g.setColor(new Color(0x556677));
      g.drawString(fields[i][0], x0, y + 20);
      g.setColor(new Color(0xc4ccd6));
      g.setStroke(new BasicStroke(1));
      g.drawRect(x0 + 140, y, formW - 160, 30);
      g.setColor(Color.BLACK);
      g.drawString(fields[i][1], x0 + 148, y + 20);
    }
    // notes: the typed text, wrapped, with a caret
    int ny = 120 + fields.length * 48 + 10;
    g.setColor(new Color(0x556677));
    g.drawString("Call notes", x0, ny + 16);
    g.setColor(new Color(0xc4ccd6));
    g.drawRect(x0, ny + 26, formW - 20, h - ny - 60);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 15));
    int perLine = Math.max(10, (formW - 40) / 9);
    String text = notes.toString() + (caret ? "|" : "");
    int line = 0;
    for (int i = 0; i < text.length(); i += perLine, line++) {
      g.drawString(
          text.substring(i, Math.min(text.length(), i + perLine)), x0 + 8, ny + 46 + line * 20);
    }
    // history table, scrolled
    int tx = x0 + formW + 20;
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    g.setColor(new Color(0xe8edf3));
    g.fillRect(tx, 110, w - tx - 20, 28);
    g.setColor(new Color(0x223344));
    String[] head = {"Date", "Reference", "Type", "Amount", "State"};
    int colW = (w - tx - 20) / head.length;
    for (int c = 0; c < head.length; c++) {
      g.drawString(head[c], tx + 8 + c * colW, 129);
    }
    for (int r = 0; tx > 0 && 140 + r * 26 < h - 20; r++) {
      // each tab lists other records, so a tab switch changes the whole table at once
      String[] row = history.get((scroll + tab * 50 + r) % history.size());
      g.setColor((scroll + r) % 2 == 0 ? Color.WHITE : new Color(0xf6f8fa));
      g.fillRect(tx, 140 + r * 26, w - tx - 20, 26);
      g.setColor("open".equals(row[4]) ? new Color(0xb03030) : new Color(0x223344));
      for (int c = 0; c < row.length; c++) {
        g.drawString(row[c], tx + 8 + c * colW, 158 + r * 26);
      }
    }
  }
}
