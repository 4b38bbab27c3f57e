package cz.zoom.screenrec.server.replay.audio;

import com.fasterxml.jackson.databind.node.ObjectNode;
import cz.zoom.screenrec.server.core.Refusal;
import cz.zoom.screenrec.server.evidence.Sealer;
import cz.zoom.screenrec.server.storage.OwnerOnly;
import cz.zoom.screenrec.server.storage.StripedLocks;
import cz.zoom.screenrec.trust.Evidence;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a call's audio: streams it to disk (bounded), checks it decodes, makes a browser-playable
 * copy if needed, and only then replaces what the call had. The original is kept as {@code
 * audio.wav}/{@code audio.ogg}; a transcoded copy is {@code audio-playable.wav}; {@code
 * evidence.json} seals both (docs/security.md) before the call's row points at them.
 */
public final class AudioService {
  private static final Logger log = LoggerFactory.getLogger(AudioService.class);

  /** 2000..2100: anything else is a unit mistake (seconds, microseconds), not a call's time. */
  private static final long MIN_TIME = 946_684_800_000L;

  private static final long MAX_TIME = 4_102_444_800_000L;
  static final String TRANSCODED = "audio-playable.wav";
  public static final String EVIDENCE = "evidence.json";

  private final AudioStore store;
  private final long maxBytes;
  private final Sealer sealer;
  private final Clock clock;

  /** Serialises only the replacement of one call's files and row; bodies stream in outside it. */
  private final StripedLocks locks = new StripedLocks(64);

  public AudioService(AudioStore store, long maxBytes, Sealer sealer, Clock clock) {
    this.store = store;
    this.maxBytes = maxBytes;
    this.sealer = sealer;
    this.clock = clock;
  }

  public Optional<CallAudio> find(String callId) {
    return store.find(callId);
  }

  public AudioStore store() {
    return store;
  }

  public Path playableFile(CallAudio a) {
    return store.callDir(a.callId()).resolve(a.playableFile());
  }

  public Path evidenceFile(CallAudio a) {
    return store.callDir(a.callId()).resolve(EVIDENCE);
  }

  public CallAudio intake(
      String callId,
      String agent,
      long startedAt,
      String format,
      long declaredBytes,
      InputStream body)
      throws IOException {
    if (startedAt <= MIN_TIME || startedAt >= MAX_TIME) {
      throw new Refusal.Invalid("startedAt must be UTC milliseconds, was " + startedAt);
    }
    if (format != null && !format.equals("wav") && !format.equals("ogg")) {
      throw new Refusal.Invalid("format must be wav or ogg");
    }
    if (declaredBytes > maxBytes) {
      throw new Refusal.TooLarge("too_large", "audio uploads are at most " + maxBytes + " bytes");
    }
    Path dir = OwnerOnly.directories(store.callDir(callId));
    String tag = UUID.randomUUID().toString();
    Path upload = dir.resolve(".upload-" + tag);
    Path copy = dir.resolve(".playable-" + tag + ".wav");
    try {
      long bytes = receive(body, upload);
      String sniffed = AudioFiles.sniff(upload);
      if (sniffed == null) {
        throw new Refusal.Invalid("the body is neither a WAV (RIFF/WAVE) nor an Ogg file");
      }
      if (format != null && !format.equals(sniffed)) {
        throw new Refusal.Invalid("format=" + format + " but the body is " + sniffed);
      }
      AudioFiles.Probe probe;
      try {
        probe = AudioFiles.decode(upload, sniffed, copy);
      } catch (AudioFiles.BadAudioException e) {
        throw new Refusal.Invalid("bad_audio", e.getMessage());
      }
      synchronized (locks.forKey(callId)) {
        String original = "audio." + sniffed;
        String playable = probe.playable() ? original : TRANSCODED;
        String contentType =
            probe.playable() ? ("wav".equals(sniffed) ? "audio/wav" : "audio/ogg") : "audio/wav";
        force(upload);
        move(upload, dir.resolve(original));
        if (!probe.playable()) {
          // FFmpeg made the copy with the process umask
          OwnerOnly.restrict(copy);
          force(copy);
          move(copy, dir.resolve(TRANSCODED));
        }
        for (String stale : new String[] {"audio.wav", "audio.ogg", TRANSCODED}) {
          if (!stale.equals(original) && !stale.equals(playable)) {
            Files.deleteIfExists(dir.resolve(stale));
          }
        }
        seal(dir, callId, agent, startedAt, probe, original, playable);
        fsyncDir(dir);
        CallAudio a =
            new CallAudio(
                callId,
                agent,
                startedAt,
                probe.durationMs(),
                sniffed,
                probe.codec(),
                bytes,
                playable,
                contentType,
                clock.millis());
        store.put(a);
        log.info(
            "call {}: audio stored ({} {}, {} Hz, {} ch, {} ms from {}){}",
            callId,
            sniffed,
            probe.codec(),
            probe.sampleRate(),
            probe.channels(),
            probe.durationMs(),
            startedAt,
            probe.playable() ? "" : "; transcoded to PCM WAV for browsers");
        return a;
      }
    } finally {
      Files.deleteIfExists(upload);
      Files.deleteIfExists(copy);
    }
  }

  private void seal(
      Path dir,
      String callId,
      String agent,
      long startedAt,
      AudioFiles.Probe probe,
      String original,
      String playable)
      throws IOException {
    ObjectNode m = sealer.manifest(Evidence.AUDIO);
    m.put("callId", callId);
    m.put("agent", agent);
    m.put("startedAt", startedAt);
    m.put("durationMs", probe.durationMs());
    m.put("codec", probe.codec());
    m.set("audio", Sealer.part(original, dir.resolve(original)));
    if (!playable.equals(original)) {
      m.set("playable", Sealer.part(playable, dir.resolve(playable)));
    }
    sealer.write(m, dir.resolve(EVIDENCE));
  }

  private long receive(InputStream body, Path file) throws IOException {
    long bytes = 0;
    try (FileChannel ch = OwnerOnly.newFile(file);
        OutputStream out = Channels.newOutputStream(ch)) {
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = body.read(buf)) > 0; ) {
        bytes += n;
        if (bytes > maxBytes) {
          throw new Refusal.TooLarge(
              "too_large", "audio uploads are at most " + maxBytes + " bytes");
        }
        out.write(buf, 0, n);
      }
    }
    if (bytes == 0) {
      throw new Refusal.Invalid("the body is empty");
    }
    return bytes;
  }

  private static void force(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void fsyncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException ignored) {
      // not every file system lets a directory be opened for fsync; the files are durable
    }
  }
}
