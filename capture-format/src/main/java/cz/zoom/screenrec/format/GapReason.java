package cz.zoom.screenrec.format;

/** Why a stretch of a recording has no frames. The replay shows each one as what it is. */
public enum GapReason {
  PAUSED,
  CAPTURE_FAILED,
  CLIENT_RESTARTED,
  FAILOVER,
  /** The client's spool reached its limit (size or free disk); capture resumed when it had room. */
  DISK_FULL;

  static GapReason fromCode(int code) {
    GapReason[] all = values();
    return code >= 0 && code < all.length ? all[code] : CAPTURE_FAILED;
  }
}
