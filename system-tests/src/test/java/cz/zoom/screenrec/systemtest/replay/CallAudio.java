package cz.zoom.screenrec.systemtest.replay;

import cz.zoom.screenrec.testkit.ScreenRecApi;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * Call audio as a call recorder delivers it: a PCM WAV, here silent but for short beeps at chosen
 * instants.
 */
final class CallAudio {
  static final int RATE = 16_000;
  static final int BEEP_MS = 80;
  static final double BEEP_HZ = 1_000;

  private CallAudio() {}

  /**
   * Mono 16-bit PCM of {@code durationMs} with a beep starting at each of {@code beepsMs}
   * (offsets).
   */
  static byte[] wavWithBeeps(long durationMs, List<Long> beepsMs) {
    int samples = (int) (durationMs * RATE / 1000);
    short[] pcm = new short[samples];
    int beepSamples = BEEP_MS * RATE / 1000;
    int fade = RATE / 500; // 2 ms ramps: no click before the beep's true start
    for (long at : beepsMs) {
      int first = (int) (at * RATE / 1000);
      for (int i = 0; i < beepSamples && first + i < samples; i++) {
        double env = Math.min(1.0, Math.min(i, beepSamples - 1 - i) / (double) fade);
        pcm[first + i] =
            (short) (0.6 * env * Short.MAX_VALUE * Math.sin(2 * Math.PI * BEEP_HZ * i / RATE));
      }
    }
    ByteBuffer b = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes()).putInt(36 + samples * 2).put("WAVE".getBytes());
    b.put("fmt ".getBytes())
        .putInt(16)
        .putShort((short) 1)
        .putShort((short) 1)
        .putInt(RATE)
        .putInt(RATE * 2)
        .putShort((short) 2)
        .putShort((short) 16);
    b.put("data".getBytes()).putInt(samples * 2);
    for (short s : pcm) {
      b.putShort(s);
    }
    return b.array();
  }

  /** PUT /api/v1/calls/{callId}/audio?startedAt=... with the API token. */
  static ScreenRecApi.Response upload(ScreenRecApi api, String callId, long startedAt, byte[] wav) {
    URI uri =
        api.resolve("api/v1/calls/" + callId + "/audio?startedAt=" + startedAt + "&format=wav");
    return api.sendBytes(
        "PUT",
        uri,
        HttpRequest.BodyPublishers.ofByteArray(wav),
        api.token(),
        Map.of("Content-Type", "audio/wav"));
  }
}
