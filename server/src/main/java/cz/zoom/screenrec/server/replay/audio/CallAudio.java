package cz.zoom.screenrec.server.replay.audio;

/**
 * A call's audio on this cluster.
 *
 * @param startedAt UTC ms of the first sample, as the call recorder said
 * @param format container uploaded: wav or ogg
 * @param codec FFmpeg's name of the uploaded codec (pcm_s16le, pcm_mulaw, pcm_alaw, opus, ...)
 * @param playableFile file name, in the call's media folder, of what browsers are given
 * @param contentType of the playable file
 */
public record CallAudio(
    String callId,
    String agent,
    long startedAt,
    long durationMs,
    String format,
    String codec,
    long bytes,
    String playableFile,
    String contentType,
    long receivedAt) {

  public long endedAt() {
    return startedAt + durationMs;
  }
}
