package cz.zoom.screenrec.client.capture;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.platform.unix.X11;
import com.sun.jna.ptr.IntByReference;

/**
 * The few libX11 extension and libc functions that change-driven capture needs (MIT-SHM, DAMAGE,
 * XFIXES regions, Xinerama monitors, System V shared memory), mapped through JNA. Base Xlib comes
 * from jna-platform's {@link X11}. Loaded lazily: a missing library is an {@link
 * UnsatisfiedLinkError} the caller turns into "fall back to Robot".
 */
final class X11Native {
  private X11Native() {}

  static final int Z_PIXMAP = 2;
  static final int X_DAMAGE_REPORT_NON_EMPTY = 3;
  static final int X_DAMAGE_NOTIFY = 0;
  static final int QUEUED_AFTER_READING = 1;
  static final int IPC_PRIVATE = 0;
  static final int IPC_CREAT = 01000;
  static final int IPC_RMID = 0;

  /** Xlib calls jna-platform does not map with the argument types needed here. */
  interface Xlib extends Library {
    int XNextEvent(X11.Display display, Pointer event);

    int XGrabServer(X11.Display display);

    int XUngrabServer(X11.Display display);

    IOErrorHandler XSetIOErrorHandler(IOErrorHandler handler);
  }

  interface Xext extends Library {
    boolean XShmQueryExtension(X11.Display display);

    Pointer XShmCreateImage(
        X11.Display display,
        X11.Visual visual,
        int depth,
        int format,
        Pointer data,
        ShmSegmentInfo shminfo,
        int width,
        int height);

    boolean XShmAttach(X11.Display display, ShmSegmentInfo shminfo);

    boolean XShmDetach(X11.Display display, ShmSegmentInfo shminfo);

    boolean XShmGetImage(
        X11.Display display,
        NativeLong drawable,
        Pointer image,
        int x,
        int y,
        NativeLong planeMask);
  }

  interface Xdamage extends Library {
    boolean XDamageQueryExtension(
        X11.Display display, IntByReference eventBase, IntByReference errorBase);

    NativeLong XDamageCreate(X11.Display display, NativeLong drawable, int level);

    void XDamageDestroy(X11.Display display, NativeLong damage);

    void XDamageSubtract(
        X11.Display display, NativeLong damage, NativeLong repair, NativeLong parts);
  }

  interface Xfixes extends Library {
    boolean XFixesQueryExtension(
        X11.Display display, IntByReference eventBase, IntByReference errorBase);

    NativeLong XFixesCreateRegion(X11.Display display, Pointer rectangles, int count);

    void XFixesDestroyRegion(X11.Display display, NativeLong region);

    /** XRectangle[count]: short x, short y, unsigned short width, unsigned short height. */
    Pointer XFixesFetchRegion(X11.Display display, NativeLong region, IntByReference count);
  }

  interface Xinerama extends Library {
    boolean XineramaIsActive(X11.Display display);

    /** XineramaScreenInfo[count]: int screen_number, short x_org, y_org, width, height. */
    Pointer XineramaQueryScreens(X11.Display display, IntByReference count);
  }

  interface LibC extends Library {
    int shmget(int key, NativeLong size, int flags);

    Pointer shmat(int id, Pointer address, int flags);

    int shmdt(Pointer address);

    int shmctl(int id, int command, Pointer buffer);
  }

  /** XIOErrorExitHandler: void (*)(Display *, void *user_data). */
  interface IOErrorExitHandler extends com.sun.jna.Callback {
    void invoke(Pointer display, Pointer userData);
  }

  /** XIOErrorHandler: int (*)(Display *). */
  interface IOErrorHandler extends com.sun.jna.Callback {
    int invoke(Pointer display);
  }

  /** XShmSegmentInfo. */
  @Structure.FieldOrder({"shmseg", "shmid", "shmaddr", "readOnly"})
  public static final class ShmSegmentInfo extends Structure {
    public NativeLong shmseg;
    public int shmid;
    public Pointer shmaddr;
    public int readOnly;
  }

  /** The leading fields of Xlib's XImage; the function table after them is not touched. */
  @Structure.FieldOrder({
    "width",
    "height",
    "xoffset",
    "format",
    "data",
    "byte_order",
    "bitmap_unit",
    "bitmap_bit_order",
    "bitmap_pad",
    "depth",
    "bytes_per_line",
    "bits_per_pixel",
    "red_mask",
    "green_mask",
    "blue_mask"
  })
  public static final class XImageHead extends Structure {
    public int width;
    public int height;
    public int xoffset;
    public int format;
    public Pointer data;
    public int byte_order;
    public int bitmap_unit;
    public int bitmap_bit_order;
    public int bitmap_pad;
    public int depth;
    public int bytes_per_line;
    public int bits_per_pixel;
    public NativeLong red_mask;
    public NativeLong green_mask;
    public NativeLong blue_mask;

    public XImageHead(Pointer p) {
      super(p);
      read();
    }
  }

  private static volatile Libraries libraries;

  /** All libraries, loaded once; throws UnsatisfiedLinkError when one is missing. */
  static Libraries load() {
    Libraries l = libraries;
    if (l == null) {
      synchronized (X11Native.class) {
        l = libraries;
        if (l == null) {
          l =
              new Libraries(
                  X11.INSTANCE,
                  Native.load("X11", Xlib.class),
                  Native.load("Xext", Xext.class),
                  Native.load("Xdamage", Xdamage.class),
                  Native.load("Xfixes", Xfixes.class),
                  loadOptional("Xinerama", Xinerama.class),
                  Native.load("c", LibC.class));
          libraries = l;
        }
      }
    }
    return l;
  }

  private static <T extends Library> T loadOptional(String name, Class<T> type) {
    try {
      return Native.load(name, type);
    } catch (UnsatisfiedLinkError e) {
      return null;
    }
  }

  record Libraries(
      X11 x11,
      Xlib xlib,
      Xext xext,
      Xdamage xdamage,
      Xfixes xfixes,
      Xinerama xinerama,
      LibC libc) {}
}
