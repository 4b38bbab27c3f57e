package cz.zoom.screenrec.client.capture;

import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.platform.unix.X11;
import com.sun.jna.ptr.IntByReference;
import cz.zoom.screenrec.format.ScreenLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Change-driven capture on X11: the DAMAGE extension says which parts of the root window changed,
 * and only those parts are fetched, through MIT-SHM (XShmGetImage into a shared memory segment, no
 * copy through the X socket). With no damage since the previous capture nothing is fetched at all,
 * so an idle screen costs one non-blocking read of the X connection per tick.
 *
 * <p>Monitors are Xinerama's screens (the order AWT also uses), or the whole root window. All calls
 * are synchronized: Xlib is used without XInitThreads, from whichever thread calls in.
 */
public final class XDamageScreenSource implements ScreenSource {
  private static final Logger log = LoggerFactory.getLogger(XDamageScreenSource.class);

  /** Beyond this many pending rectangles per monitor, the monitor is fetched and compared whole. */
  private static final int MAX_PENDING = 64;

  /**
   * Up to this many damaged rectangles are fetched one by one; more are fetched as their bounding
   * box.
   */
  private static final int MAX_SEPARATE_FETCHES = 6;

  private static final NativeLong NONE = new NativeLong(0);

  /** How long an idle screen goes without a round trip that would notice a vanished X server. */
  private static final long LIVENESS_NANOS = 2_000_000_000L;

  private static final NativeLong ALL_PLANES = new NativeLong(-1L);

  private static final Map<Pointer, String> errors = new ConcurrentHashMap<>();
  private static final java.util.Set<Pointer> lost = ConcurrentHashMap.newKeySet();
  private static X11Native.IOErrorHandler previousIoHandler;

  /**
   * Xlib's default I/O error handler prints and exits the process even when an exit handler is set;
   * for our own connections this one returns, so the exit handler below runs instead.
   */
  private static final X11Native.IOErrorHandler IO_HANDLER =
      display -> {
        if (display != null && errors.containsKey(display)) {
          errors.put(display, "the connection to the X server was lost");
          lost.add(display);
          return 0;
        }
        X11Native.IOErrorHandler previous = previousIoHandler;
        return previous != null ? previous.invoke(display) : 0;
      };

  private static X11.XErrorHandler previousHandler;

  /**
   * Xlib's default handler exits the process on any protocol error; this one records it instead.
   */
  private static final X11.XErrorHandler HANDLER =
      (display, event) -> {
        Pointer d = display == null ? null : display.getPointer();
        if (d != null && errors.containsKey(d)) {
          errors.put(
              d,
              "X error "
                  + (event.error_code & 0xFF)
                  + " in request "
                  + (event.request_code & 0xFF)
                  + "."
                  + (event.minor_code & 0xFF));
          return 0;
        }
        X11.XErrorHandler previous = previousHandler;
        return previous != null ? previous.apply(display, event) : 0;
      };

  /**
   * Called by libX11 (1.7 and later) after the connection to the X server broke (session ended,
   * server killed). Xlib's default exits the process; returning instead leaves the display marked
   * broken, every later call on it fails fast, and the recorder records capture gaps.
   */
  private static final X11Native.IOErrorExitHandler IO_EXIT =
      (display, data) -> {
        if (display != null && errors.containsKey(display)) {
          errors.put(display, "the connection to the X server was lost");
          lost.add(display);
        }
      };

  private final X11Native.Libraries lib;
  private final X11.Display display;
  private final String displayName;
  private final NativeLong root;
  private final X11.Visual visual;
  private final int depth;
  private final NativeLong damage;
  private final NativeLong region;
  private final int damageEventBase;
  private final Memory event = new Memory(192);
  private final Map<Integer, Monitor> monitors = new LinkedHashMap<>();
  private boolean closed;
  private long lastRoundTrip = System.nanoTime();
  private long grabs;
  private long fetchedPixels;

  /** One monitor: its shared-memory image and the picture the last captures built up. */
  private static final class Monitor {
    final ScreenLayout layout;
    final X11Native.ShmSegmentInfo shm;
    final Pointer image;
    final X11Native.XImageHead head;
    final int[] picture;

    /** Damaged rectangles not fetched yet, monitor-relative x, y, w, h. */
    final List<int[]> pending = new ArrayList<>();

    /** Whether the next capture must fetch and report the whole monitor. */
    boolean whole = true;

    Monitor(
        ScreenLayout layout,
        X11Native.ShmSegmentInfo shm,
        Pointer image,
        X11Native.XImageHead head) {
      this.layout = layout;
      this.shm = shm;
      this.image = image;
      this.head = head;
      this.picture = new int[layout.width() * layout.height()];
    }
  }

  private XDamageScreenSource(X11Native.Libraries lib, X11.Display display, String displayName) {
    this.lib = lib;
    this.display = display;
    this.displayName = displayName;
    int screen = lib.x11().XDefaultScreen(display);
    this.root = lib.x11().XRootWindow(display, screen);
    this.visual = lib.x11().XDefaultVisual(display, screen);
    this.depth = depthOf(lib, display, screen);
    IntByReference eventBase = new IntByReference();
    IntByReference errorBase = new IntByReference();
    if (!lib.xdamage().XDamageQueryExtension(display, eventBase, errorBase)) {
      throw new IllegalStateException("the X server has no DAMAGE extension");
    }
    this.damageEventBase = eventBase.getValue();
    if (!lib.xfixes().XFixesQueryExtension(display, new IntByReference(), new IntByReference())) {
      throw new IllegalStateException("the X server has no XFIXES extension");
    }
    if (!lib.xext().XShmQueryExtension(display)) {
      throw new IllegalStateException("the X server has no MIT-SHM extension (or it is remote)");
    }
    this.region = lib.xfixes().XFixesCreateRegion(display, null, 0);
    this.damage = lib.xdamage().XDamageCreate(display, root, X11Native.X_DAMAGE_REPORT_NON_EMPTY);
    sync("DAMAGE setup");
  }

  /**
   * Opens {@code displayName} (null: the DISPLAY variable) and prepares shared memory for every
   * monitor. Throws IllegalStateException with the reason when this display cannot be captured this
   * way (no display, an extension or library missing, shared memory refused as on a remote X
   * server); nothing is left open then.
   */
  public static XDamageScreenSource open(String displayName) {
    if (!ByteOrder.nativeOrder().equals(ByteOrder.LITTLE_ENDIAN)) {
      throw new IllegalStateException(
          "XShm capture is implemented for little-endian machines only");
    }
    X11Native.Libraries lib;
    try {
      lib = X11Native.load();
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      throw new IllegalStateException("X11 libraries not available: " + e.getMessage(), e);
    }
    String name = displayName != null ? displayName : System.getenv("DISPLAY");
    if (name == null || name.isBlank()) {
      throw new IllegalStateException("no X display (DISPLAY is not set)");
    }
    installErrorHandler(lib);
    X11.Display display = lib.x11().XOpenDisplay(name);
    if (display == null) {
      throw new IllegalStateException("cannot open X display " + name);
    }
    errors.put(display.getPointer(), "");
    try {
      com.sun.jna.NativeLibrary.getInstance("X11")
          .getFunction("XSetIOErrorExitHandler")
          .invokeVoid(new Object[] {display, IO_EXIT, null});
    } catch (UnsatisfiedLinkError e) {
      log.debug("libX11 before 1.7: losing the X server ends the process, as with any Xlib client");
    }
    XDamageScreenSource source = null;
    try {
      source = new XDamageScreenSource(lib, display, name);
      source.readMonitors();
      return source;
    } catch (RuntimeException e) {
      if (source != null) {
        source.close();
      } else {
        lib.x11().XCloseDisplay(display);
        errors.remove(display.getPointer());
      }
      throw e instanceof IllegalStateException ? e : new IllegalStateException(e.toString(), e);
    }
  }

  private static synchronized void installErrorHandler(X11Native.Libraries lib) {
    if (previousHandler == null) {
      X11.XErrorHandler previous = lib.x11().XSetErrorHandler(HANDLER);
      // null means Xlib's default, which exits the process: never chain to that
      previousHandler = previous != null ? previous : (d, e) -> 0;
      // other connections in this process (AWT's) keep Xlib's behaviour: chain to the previous one
      previousIoHandler = lib.xlib().XSetIOErrorHandler(IO_HANDLER);
    }
  }

  private static int depthOf(X11Native.Libraries lib, X11.Display display, int screen) {
    // XDefaultDepth is a macro in some Xlib builds; the exported function exists in libX11
    return com.sun.jna.NativeLibrary.getInstance("X11")
        .getFunction("XDefaultDepth")
        .invokeInt(new Object[] {display, screen});
  }

  private void readMonitors() {
    List<ScreenLayout> layouts = new ArrayList<>();
    if (lib.xinerama() != null && lib.xinerama().XineramaIsActive(display)) {
      IntByReference count = new IntByReference();
      Pointer info = lib.xinerama().XineramaQueryScreens(display, count);
      if (info != null) {
        for (int i = 0; i < count.getValue() && i < 16; i++) {
          int o = i * 12;
          layouts.add(
              new ScreenLayout(
                  i,
                  info.getShort(o + 4),
                  info.getShort(o + 6),
                  info.getShort(o + 8) & 0xFFFF,
                  info.getShort(o + 10) & 0xFFFF));
        }
        lib.x11().XFree(info);
      }
    }
    if (layouts.isEmpty()) {
      int screen = lib.x11().XDefaultScreen(display);
      int w = lib.x11().XDisplayWidth(display, screen);
      int h =
          com.sun.jna.NativeLibrary.getInstance("X11")
              .getFunction("XDisplayHeight")
              .invokeInt(new Object[] {display, screen});
      layouts.add(new ScreenLayout(0, 0, 0, w, h));
    }
    for (ScreenLayout l : layouts) {
      monitors.put(l.id(), attach(l));
    }
  }

  private Monitor attach(ScreenLayout l) {
    long bytes = 4L * l.width() * l.height();
    X11Native.ShmSegmentInfo shm = new X11Native.ShmSegmentInfo();
    shm.shmid =
        lib.libc().shmget(X11Native.IPC_PRIVATE, new NativeLong(bytes), X11Native.IPC_CREAT | 0600);
    if (shm.shmid < 0) {
      throw new IllegalStateException("shmget of " + bytes + " bytes failed");
    }
    shm.shmaddr = lib.libc().shmat(shm.shmid, null, 0);
    if (shm.shmaddr == null || Pointer.nativeValue(shm.shmaddr) == -1L) {
      lib.libc().shmctl(shm.shmid, X11Native.IPC_RMID, null);
      throw new IllegalStateException("shmat failed");
    }
    shm.readOnly = 0;
    shm.write();
    boolean attached = lib.xext().XShmAttach(display, shm);
    try {
      sync("XShmAttach");
      if (!attached) {
        throw new IllegalStateException("XShmAttach refused");
      }
    } catch (IllegalStateException e) {
      lib.libc().shmdt(shm.shmaddr);
      lib.libc().shmctl(shm.shmid, X11Native.IPC_RMID, null);
      throw e;
    } finally {
      // marked for removal now, so the segment disappears with the last detach even after a crash
      lib.libc().shmctl(shm.shmid, X11Native.IPC_RMID, null);
    }
    Pointer image =
        lib.xext()
            .XShmCreateImage(
                display, visual, depth, X11Native.Z_PIXMAP, null, shm, l.width(), l.height());
    if (image == null) {
      detach(shm);
      throw new IllegalStateException("XShmCreateImage failed");
    }
    X11Native.XImageHead head = new X11Native.XImageHead(image);
    if (head.bits_per_pixel != 32
        || head.byte_order != 0
        || head.red_mask.longValue() != 0xFF0000L
        || head.green_mask.longValue() != 0xFF00L
        || head.blue_mask.longValue() != 0xFFL) {
      lib.x11().XFree(image);
      detach(shm);
      throw new IllegalStateException(
          "unsupported pixel format: "
              + head.bits_per_pixel
              + " bpp, depth "
              + depth
              + ", masks "
              + Long.toHexString(head.red_mask.longValue()));
    }
    head.data = shm.shmaddr;
    head.writeField("data");
    return new Monitor(l, shm, image, head);
  }

  private void detach(X11Native.ShmSegmentInfo shm) {
    lib.xext().XShmDetach(display, shm);
    lib.x11().XSync(display, false);
    lib.libc().shmdt(shm.shmaddr);
  }

  /** Round trip to the server; throws with the first X error raised since the last check. */
  private void sync(String what) {
    lib.x11().XSync(display, false);
    checkErrors(what);
  }

  private void checkErrors(String what) {
    String e = errors.put(display.getPointer(), "");
    if (e != null && !e.isEmpty()) {
      throw new IllegalStateException(what + " failed on " + displayName + ": " + e);
    }
  }

  @Override
  public synchronized List<ScreenLayout> screens() {
    return monitors.values().stream().map(m -> m.layout).toList();
  }

  @Override
  public synchronized ScreenImage grab(int screenId) {
    return capture(screenId).image();
  }

  @Override
  public synchronized ScreenCapture capture(int screenId) {
    if (closed) {
      throw new IllegalStateException("screen source is closed");
    }
    if (lost.contains(display.getPointer())) {
      throw new IllegalStateException("the connection to X server " + displayName + " was lost");
    }
    Monitor m = monitors.get(screenId);
    if (m == null) {
      throw new IllegalArgumentException("no screen " + screenId);
    }
    pollDamage();
    ScreenLayout l = m.layout;
    ScreenImage image = new ScreenImage(l.width(), l.height(), m.picture);
    try {
      if (m.whole || m.pending.size() > MAX_PENDING) {
        fetch(m, 0, 0, l.width(), l.height());
        m.pending.clear();
        m.whole = false;
        return new ScreenCapture(image, null);
      }
      if (m.pending.isEmpty()) {
        return new ScreenCapture(image, ScreenCapture.NOTHING);
      }
      List<int[]> rects =
          m.pending.size() <= MAX_SEPARATE_FETCHES ? m.pending : List.of(boundingBox(m.pending));
      int[] quads = new int[rects.size() * 4];
      for (int i = 0; i < rects.size(); i++) {
        int[] r = rects.get(i);
        fetch(m, r[0], r[1], r[2], r[3]);
        System.arraycopy(r, 0, quads, 4 * i, 4);
      }
      m.pending.clear();
      return new ScreenCapture(image, quads);
    } catch (RuntimeException e) {
      // what was fetched before the failure is in the picture, the rest is not: start over whole
      m.whole = true;
      throw e;
    }
  }

  @Override
  public synchronized void refreshNext(int screenId) {
    Monitor m = monitors.get(screenId);
    if (m != null) {
      m.whole = true;
    }
  }

  /**
   * Fetches the whole monitor into a fresh array without touching the damage bookkeeping: an
   * independent reference for fidelity checks.
   */
  public synchronized ScreenImage grabUntracked(int screenId) {
    Monitor m = monitors.get(screenId);
    ScreenLayout l = m.layout;
    int[] copy = m.picture.clone();
    fetchInto(m, 0, 0, l.width(), l.height(), copy);
    return new ScreenImage(l.width(), l.height(), copy);
  }

  /**
   * Holds (true) or releases (false) the X server for other clients, so that several fetches see
   * the same screen. For measurements only; a held server freezes the desktop.
   */
  public synchronized void holdServer(boolean hold) {
    if (hold) {
      lib.xlib().XGrabServer(display);
    } else {
      lib.xlib().XUngrabServer(display);
    }
    lib.x11().XSync(display, false);
  }

  /** Fetches so far, and pixels they brought, for measurements. */
  public synchronized long[] counters() {
    return new long[] {grabs, fetchedPixels};
  }

  private void fetch(Monitor m, int x, int y, int w, int h) {
    fetchInto(m, x, y, w, h, m.picture);
  }

  private void fetchInto(Monitor m, int x, int y, int w, int h, int[] dst) {
    X11Native.XImageHead head = m.head;
    head.width = w;
    head.height = h;
    head.bytes_per_line = 4 * w;
    head.writeField("width");
    head.writeField("height");
    head.writeField("bytes_per_line");
    boolean ok =
        lib.xext()
            .XShmGetImage(display, root, m.image, m.layout.x() + x, m.layout.y() + y, ALL_PLANES);
    checkErrors("XShmGetImage");
    if (!ok) {
      throw new IllegalStateException("XShmGetImage failed on " + displayName);
    }
    int stride = m.layout.width();
    Pointer data = m.shm.shmaddr;
    for (int row = 0; row < h; row++) {
      data.read(4L * row * w, dst, (y + row) * stride + x, w);
    }
    grabs++;
    fetchedPixels += (long) w * h;
  }

  /**
   * Drains the event queue without blocking; on a damage notification collects the damaged region.
   */
  private void pollDamage() {
    boolean damaged = false;
    while (lib.x11().XEventsQueued(display, X11Native.QUEUED_AFTER_READING) > 0) {
      lib.xlib().XNextEvent(display, event);
      if ((event.getInt(0) & 0x7F) == damageEventBase + X11Native.X_DAMAGE_NOTIFY) {
        damaged = true;
      }
    }
    checkErrors("reading X events");
    if (!damaged) {
      long now = System.nanoTime();
      if (now - lastRoundTrip > LIVENESS_NANOS) {
        // a vanished X server does not show in a non-blocking read: ask it something now and then
        lastRoundTrip = now;
        lib.x11().XSync(display, false);
        if (connectionBroken()) {
          lost.add(display.getPointer());
        }
        if (lost.contains(display.getPointer())) {
          throw new IllegalStateException(
              "the connection to X server " + displayName + " was lost");
        }
        checkErrors("XSync");
      }
      return;
    }
    lastRoundTrip = System.nanoTime();
    lib.xdamage().XDamageSubtract(display, damage, NONE, region);
    IntByReference count = new IntByReference();
    Pointer rects = lib.xfixes().XFixesFetchRegion(display, region, count);
    checkErrors("XFixesFetchRegion");
    if (rects == null) {
      return;
    }
    try {
      for (int i = 0; i < count.getValue(); i++) {
        int o = i * 8;
        int rx = rects.getShort(o);
        int ry = rects.getShort(o + 2);
        int rw = rects.getShort(o + 4) & 0xFFFF;
        int rh = rects.getShort(o + 6) & 0xFFFF;
        for (Monitor m : monitors.values()) {
          addDamage(m, rx, ry, rw, rh);
        }
      }
    } finally {
      lib.x11().XFree(rects);
    }
  }

  private static void addDamage(Monitor m, int rx, int ry, int rw, int rh) {
    ScreenLayout l = m.layout;
    int x0 = Math.max(rx, l.x());
    int y0 = Math.max(ry, l.y());
    int x1 = Math.min(rx + rw, l.x() + l.width());
    int y1 = Math.min(ry + rh, l.y() + l.height());
    if (x0 >= x1 || y0 >= y1 || m.whole) {
      return;
    }
    if (m.pending.size() > MAX_PENDING) {
      m.whole = true;
      m.pending.clear();
      return;
    }
    m.pending.add(new int[] {x0 - l.x(), y0 - l.y(), x1 - x0, y1 - y0});
  }

  /**
   * Whether libxcb marked the connection failed. Xlib does not always call its I/O error handler
   * for a server that went away (seen with libX11 1.8.4), so this is asked directly.
   */
  private boolean connectionBroken() {
    try {
      Pointer xcb =
          com.sun.jna.NativeLibrary.getInstance("X11-xcb")
              .getFunction("XGetXCBConnection")
              .invokePointer(new Object[] {display});
      return xcb != null
          && com.sun.jna.NativeLibrary.getInstance("xcb")
                  .getFunction("xcb_connection_has_error")
                  .invokeInt(new Object[] {xcb})
              != 0;
    } catch (UnsatisfiedLinkError e) {
      return false;
    }
  }

  private static int[] boundingBox(List<int[]> rects) {
    int x0 = Integer.MAX_VALUE;
    int y0 = Integer.MAX_VALUE;
    int x1 = Integer.MIN_VALUE;
    int y1 = Integer.MIN_VALUE;
    for (int[] r : rects) {
      x0 = Math.min(x0, r[0]);
      y0 = Math.min(y0, r[1]);
      x1 = Math.max(x1, r[0] + r[2]);
      y1 = Math.max(y1, r[1] + r[3]);
    }
    return new int[] {x0, y0, x1 - x0, y1 - y0};
  }

  @Override
  public String describe() {
    return "XShm+XDamage on " + displayName;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (lost.remove(display.getPointer())) {
      // requests on a broken connection fail at once; only local memory is left to free
      for (Monitor m : monitors.values()) {
        lib.libc().shmdt(m.shm.shmaddr);
      }
      errors.remove(display.getPointer());
      return;
    }
    try {
      for (Monitor m : monitors.values()) {
        lib.xext().XShmDetach(display, m.shm);
        lib.x11().XFree(m.image);
      }
      if (damage != null && damage.longValue() != 0) {
        lib.xdamage().XDamageDestroy(display, damage);
      }
      if (region != null && region.longValue() != 0) {
        lib.xfixes().XFixesDestroyRegion(display, region);
      }
      lib.x11().XSync(display, false);
      for (Monitor m : monitors.values()) {
        lib.libc().shmdt(m.shm.shmaddr);
      }
    } finally {
      lib.x11().XCloseDisplay(display);
      errors.remove(display.getPointer());
    }
  }
}
