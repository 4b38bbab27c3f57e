package cz.zoom.screenrec.client.upload;

/** What the MUS answer to one segment PUT means for the spooled file. */
enum UploadOutcome {
  /** 2xx: durably stored; the spooled copy may go. */
  STORED,
  /** 5xx, 408, 429 or no answer: try again later, the file stays. */
  RETRY,
  /**
   * Any other answer: the server will never take this file; it is kept aside for a human, never
   * deleted. Among them 409 (another body stored at that index, or an index beyond the recording's
   * final one), 410 (the recording has closed: its upload tokens are revoked) and 413 (too large,
   * or the recording's quota is used up).
   */
  REJECTED;

  static UploadOutcome of(int status) {
    if (status >= 200 && status < 300) {
      return STORED;
    }
    if (status >= 500 || status == 408 || status == 429) {
      return RETRY;
    }
    return REJECTED;
  }
}
