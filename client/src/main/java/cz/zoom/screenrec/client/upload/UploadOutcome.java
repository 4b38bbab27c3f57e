package cz.zoom.screenrec.client.upload;

/** What the MUS answer to one segment PUT means for the spooled file. */
enum UploadOutcome {
  /** 2xx: durably stored; the spooled copy may go. */
  STORED,
  /** 5xx, 408, 429 or no answer: try again later, the file stays. */
  RETRY,
  /** Any other answer: the server will never take this file; it is kept aside for a human. */
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
