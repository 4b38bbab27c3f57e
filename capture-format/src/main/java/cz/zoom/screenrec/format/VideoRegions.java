package cz.zoom.screenrec.format;

import java.util.Objects;

/**
 * Finds the moving, photo-like part of each screen (a video, an animation) so the writer can code
 * it lossy with a {@link RegionCodec} while text and the rest of the screen stay exact. One per
 * recording, shared by the writers of its segments: a video that plays across a segment boundary
 * goes on being coded lossy from the new segment's first frame instead of being learnt again. The
 * quality can be changed from another thread (the upload budget); the rest is used by one writer at
 * a time.
 */
public final class VideoRegions {
  /**
   * How the moving regions are coded: an average of {@code kbps} for all of them, a picture on
   * every {@code frameInterval}-th frame, at 1/{@code scaleDivisor} of their size each way.
   */
  public record Quality(int kbps, int frameInterval, int scaleDivisor) {
    public Quality {
      if (kbps < 1 || frameInterval < 1 || scaleDivisor < 1 || scaleDivisor > 8) {
        throw new IllegalArgumentException(
            "kbps and frameInterval must be positive and scaleDivisor 1..8: "
                + kbps
                + ", "
                + frameInterval
                + ", "
                + scaleDivisor);
      }
    }
  }

  /** Moving tiles that make a region; a smaller patch (a spinner, a clock) stays lossless. */
  static final int MIN_TILES = 4;

  /** Frames of the last four in which a tile changed for it to count as moving. */
  private static final int MOVING_OF_FOUR = 2;

  /**
   * Photo-like tiles changing in one frame that make a region at once: a video starting to play,
   * whose first frames would otherwise be coded exactly at great cost. A photo opened once becomes
   * lossy for {@link #QUIET_FRAMES} frames and is then sent exactly.
   */
  private static final int BURST_TILES = 16;

  /** A region ends after this many frames in which none of its tiles changed (video paused). */
  public static final int QUIET_FRAMES = 10;

  /** Every this many frames a region is shrunk to where motion actually was. */
  private static final int SHRINK_FRAMES = 25;

  private final RegionCodec codec;
  private volatile Quality quality;
  private final Motion[] screens = new Motion[256];
  private volatile Throwable failure;

  public VideoRegions(RegionCodec codec, Quality quality) {
    this.codec = Objects.requireNonNull(codec, "codec");
    this.quality = Objects.requireNonNull(quality, "quality");
  }

  public RegionCodec codec() {
    return codec;
  }

  public Quality quality() {
    return quality;
  }

  /** Takes effect at the next coded picture; a new kbps or size starts a new stream. */
  public void quality(Quality quality) {
    this.quality = Objects.requireNonNull(quality, "quality");
  }

  /**
   * Pixels of the moving regions found in the latest frames (0: none), for the budget; asked on the
   * writers' thread.
   */
  public int regionPixels() {
    int sum = 0;
    for (Motion m : screens) {
      Area a = m == null ? null : m.region();
      if (a != null) {
        sum +=
            (Math.min(a.tx1() * Wire.TILE, m.width) - a.tx0() * Wire.TILE)
                * (Math.min(a.ty1() * Wire.TILE, m.height) - a.ty0() * Wire.TILE);
      }
    }
    return sum;
  }

  /** Why lossy coding stopped, if it did: the writers fell back to exact tiles. */
  public Throwable failure() {
    return failure;
  }

  void failed(Throwable e) {
    failure = e;
  }

  /** Tile rectangle [tx0, tx1) x [ty0, ty1) of a region. */
  record Area(int tx0, int ty0, int tx1, int ty1) {
    boolean contains(int tx, int ty) {
      return tx >= tx0 && tx < tx1 && ty >= ty0 && ty < ty1;
    }

    boolean covers(Area o) {
      return o.tx0 >= tx0 && o.ty0 >= ty0 && o.tx1 <= tx1 && o.ty1 <= ty1;
    }

    Area union(Area o) {
      return new Area(
          Math.min(tx0, o.tx0), Math.min(ty0, o.ty0), Math.max(tx1, o.tx1), Math.max(ty1, o.ty1));
    }

    int tiles() {
      return (tx1 - tx0) * (ty1 - ty0);
    }
  }

  Motion motion(ScreenLayout layout) {
    Motion m = screens[layout.id()];
    if (m == null || m.width != layout.width() || m.height != layout.height()) {
      m = new Motion(layout.width(), layout.height());
      screens[layout.id()] = m;
    }
    return m;
  }

  /** What is known of one screen's motion, frame after frame. */
  static final class Motion {
    final int width;
    final int height;
    final int across;
    final int down;

    /** Per tile: bit i set = changed i frames ago. */
    private final byte[] history;

    /** Per tile: looked photo-like the last time it was examined. */
    private final boolean[] photo;

    private Area region;
    private long frames;
    private Area recent;
    private int quiet;
    private int sinceShrink;

    Motion(int width, int height) {
      this.width = width;
      this.height = height;
      this.across = Wire.tilesAcross(width);
      this.down = Wire.tilesDown(height);
      this.history = new byte[across * down];
      this.photo = new boolean[across * down];
    }

    Area region() {
      return region;
    }

    /**
     * Learns one frame's changed tiles and returns the region the frame's moving content lies in
     * (null for none). A region grows at once to take in new motion, shrinks every few seconds to
     * where the motion was, and ends when nothing inside it changed for a while. {@code changed}
     * null (a key frame, where nothing was compared) leaves everything as it was.
     */
    Area update(boolean[] changed, int[] rgb) {
      if (changed == null) {
        if (frames++ == 0 && region == null) {
          region = photoArea(rgb);
        }
        return region;
      }
      frames++;
      int tx0 = across;
      int ty0 = down;
      int tx1 = 0;
      int ty1 = 0;
      int moving = 0;
      int photos = 0;
      boolean changedInside = false;
      for (int t = 0; t < history.length; t++) {
        int h = (history[t] << 1 | (changed[t] ? 1 : 0)) & 0xFF;
        history[t] = (byte) h;
        if (!changed[t]) {
          continue;
        }
        changedInside |= region != null && region.contains(t % across, t / across);
        // Only changed tiles are examined, and text rarely passes the first pixels of the test.
        photo[t] = photoLike(rgb, t % across, t / across);
        photos += photo[t] ? 1 : 0;
      }
      boolean burst = photos >= BURST_TILES;
      for (int t = 0; t < history.length; t++) {
        if (!changed[t]
            || !photo[t]
            || (!burst && Integer.bitCount(history[t] & 0xF) < MOVING_OF_FOUR)) {
          continue;
        }
        int tx = t % across;
        int ty = t / across;
        moving++;
        tx0 = Math.min(tx0, tx);
        ty0 = Math.min(ty0, ty);
        tx1 = Math.max(tx1, tx + 1);
        ty1 = Math.max(ty1, ty + 1);
      }
      Area now = moving >= MIN_TILES ? widen(new Area(tx0, ty0, tx1, ty1)) : null;
      if (now != null) {
        recent = recent == null ? now : recent.union(now);
      }
      if (region == null) {
        if (now != null) {
          region = now;
          quiet = 0;
          sinceShrink = 0;
          recent = now;
        }
        return region;
      }
      quiet = changedInside ? 0 : quiet + 1;
      if (quiet >= QUIET_FRAMES) {
        region = null;
        recent = null;
        return null;
      }
      if (now != null && !region.covers(now)) {
        region = region.union(now);
      }
      if (++sinceShrink >= SHRINK_FRAMES) {
        sinceShrink = 0;
        if (recent != null && recent.tiles() * 2 <= region.tiles()) {
          region = recent;
        }
        recent = null;
      }
      return region;
    }

    /**
     * The very first picture of a recording, with nothing to compare it with: a large photo-like
     * area (at least {@link #BURST_TILES} tiles) starts lossy, since it is most likely the video
     * that is playing; if it is a still picture its tiles are sent exactly after {@link
     * #QUIET_FRAMES} frames. Without this the first picture of a playing video costs as much as a
     * minute of it.
     */
    private Area photoArea(int[] rgb) {
      int tx0 = across;
      int ty0 = down;
      int tx1 = 0;
      int ty1 = 0;
      int n = 0;
      for (int t = 0; t < photo.length; t++) {
        photo[t] = photoLike(rgb, t % across, t / across);
        if (photo[t]) {
          n++;
          tx0 = Math.min(tx0, t % across);
          ty0 = Math.min(ty0, t / across);
          tx1 = Math.max(tx1, t % across + 1);
          ty1 = Math.max(ty1, t / across + 1);
        }
      }
      return n >= BURST_TILES ? new Area(tx0, ty0, tx1, ty1) : null;
    }

    /**
     * Takes in the moving tiles along the area's edges: a video window rarely sits on tile bounds,
     * so its edge tiles are part picture, part flat frame, and do not look photo-like themselves.
     */
    private Area widen(Area a) {
      int x0 = a.tx0();
      int y0 = a.ty0();
      int x1 = a.tx1();
      int y1 = a.ty1();
      boolean grew = true;
      while (grew) {
        grew = false;
        if (x0 > 0 && movingIn(x0 - 1, x0, y0, y1)) {
          x0--;
          grew = true;
        }
        if (x1 < across && movingIn(x1, x1 + 1, y0, y1)) {
          x1++;
          grew = true;
        }
        if (y0 > 0 && movingIn(x0, x1, y0 - 1, y0)) {
          y0--;
          grew = true;
        }
        if (y1 < down && movingIn(x0, x1, y1, y1 + 1)) {
          y1++;
          grew = true;
        }
      }
      return new Area(x0, y0, x1, y1);
    }

    private boolean movingIn(int x0, int x1, int y0, int y1) {
      for (int ty = y0; ty < y1; ty++) {
        for (int tx = x0; tx < x1; tx++) {
          if (Integer.bitCount(history[ty * across + tx] & 0xF) >= MOVING_OF_FOUR) {
            return true;
          }
        }
      }
      return false;
    }

    /**
     * Photo-like: fewer than a quarter of the pixels (every other row) equal their left neighbour.
     * Text and UI are mostly flat runs; video, photos and gradients almost never repeat a pixel.
     */
    private boolean photoLike(int[] rgb, int tx, int ty) {
      int x0 = tx * Wire.TILE;
      int y0 = ty * Wire.TILE;
      int x1 = Math.min(x0 + Wire.TILE, width);
      int y1 = Math.min(y0 + Wire.TILE, height);
      int seen = ((y1 - y0 + 1) / 2) * (x1 - x0 - 1);
      // enough equal neighbours to say "not a photo": text gets there within a few rows
      int enough = (seen + 3) / 4;
      int equal = 0;
      for (int y = y0; y < y1 && equal < enough; y += 2) {
        int row = y * width;
        for (int x = x0 + 1; x < x1; x++) {
          equal += ((rgb[row + x] ^ rgb[row + x - 1]) & 0xFFFFFF) == 0 ? 1 : 0;
        }
      }
      return seen > 0 && equal < enough;
    }
  }
}
