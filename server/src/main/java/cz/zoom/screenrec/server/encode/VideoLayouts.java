package cz.zoom.screenrec.server.encode;

import cz.zoom.screenrec.encode.RecordingEncoder;
import cz.zoom.screenrec.encode.VideoLayout;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.RecordingStatus;
import cz.zoom.screenrec.server.recording.RecordingStore;
import cz.zoom.screenrec.server.recording.Segment;
import cz.zoom.screenrec.server.storage.LocalMediaStore;
import cz.zoom.screenrec.server.storage.StripedLocks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How each encoded recording's video shows its screens, as the encode workers stored it.
 *
 * <p>A recording encoded before layouts were stored has none. Its layout is worked out the first
 * time it is asked for, from the segment headers with the encoder's own layout code, and stored:
 * that costs one read of each header once (what every replay of it used to cost), on the thread
 * that asks, so the first answer already has the screens; later ones are one query.
 */
public final class VideoLayouts {
  private static final Logger log = LoggerFactory.getLogger(VideoLayouts.class);

  private final RecordingStore store;
  private final LocalMediaStore media;
  private final RecordingEncoder encoder;

  /** One reader of a recording's headers at a time: two replays of it at once read them once. */
  private final StripedLocks locks = new StripedLocks(16);

  public VideoLayouts(RecordingStore store, LocalMediaStore media, RecordingEncoder encoder) {
    this.store = store;
    this.media = media;
    this.encoder = encoder;
  }

  /**
   * The layout of the recording's video; empty while it has none (not READY) or none can be read.
   */
  public Optional<VideoLayout> of(Recording r) {
    if (r.status() != RecordingStatus.READY) {
      return Optional.empty();
    }
    Optional<VideoLayout> stored = store.layout(r.id());
    if (stored.isPresent()) {
      return stored;
    }
    synchronized (locks.forKey(r.id())) {
      stored = store.layout(r.id());
      return stored.isPresent() ? stored : fromSegments(r);
    }
  }

  private Optional<VideoLayout> fromSegments(Recording r) {
    List<Path> segments =
        store.segments(r.id()).stream()
            .map(Segment::index)
            .map(i -> media.segmentPath(r.id(), i))
            .filter(Files::isRegularFile)
            .toList();
    Optional<VideoLayout> layout;
    try {
      layout = encoder.layout(segments);
    } catch (IllegalArgumentException e) {
      log.warn("recording {}: its screens cannot be laid out: {}", r.id(), e.getMessage());
      return Optional.empty();
    }
    layout.ifPresent(
        l -> {
          store.addLayout(r.id(), l);
          log.info(
              "recording {}: layout of its {} screen(s) read from {} segment header(s) and stored",
              r.id(),
              l.screens().size(),
              segments.size());
        });
    return layout;
  }
}
