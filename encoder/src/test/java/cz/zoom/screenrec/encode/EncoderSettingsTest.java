package cz.zoom.screenrec.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EncoderSettingsTest {
  @Test
  void defaultsAreVp9AtFiveFps() {
    EncoderSettings s = EncoderSettings.defaults();
    assertThat(s.codec()).isEqualTo(VideoCodec.VP9_WEBM);
    assertThat(s.fps()).isEqualTo(5);
    assertThat(s.quality()).isEqualTo(50);
  }

  @Test
  void rejectsOutOfRangeValuesWithPreciseMessages() {
    assertThatThrownBy(() -> EncoderSettings.defaults().withFps(0))
        .hasMessage("fps must be 1..60, was 0");
    assertThatThrownBy(() -> EncoderSettings.defaults().withFps(61))
        .hasMessage("fps must be 1..60, was 61");
    assertThatThrownBy(() -> EncoderSettings.defaults().withQuality(101))
        .hasMessage("quality must be 0..100, was 101");
    assertThatThrownBy(() -> EncoderSettings.defaults().withThreads(0))
        .hasMessage("threads must be 1..16, was 0");
    assertThatThrownBy(() -> EncoderSettings.defaults().withCodec(null))
        .hasMessage("codec must not be null");
    assertThatThrownBy(() -> new EncoderSettings(VideoCodec.AV1_WEBM, 5, 50, 1, 8, 100))
        .hasMessage("maxWidth must be 16..8192, was 8");
  }

  @Test
  void codecsParseFromTheirCommandLineNames() {
    assertThat(VideoCodec.fromId("vp9")).isEqualTo(VideoCodec.VP9_WEBM);
    assertThat(VideoCodec.fromId("H264")).isEqualTo(VideoCodec.H264_MP4);
    assertThat(VideoCodec.fromId("av1_webm")).isEqualTo(VideoCodec.AV1_WEBM);
    assertThatThrownBy(() -> VideoCodec.fromId("x265"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown video codec 'x265': expected vp9, h264 or av1");
  }

  @Test
  void codecsDescribeTheirFiles() {
    assertThat(VideoCodec.VP9_WEBM.contentType()).isEqualTo("video/webm");
    assertThat(VideoCodec.H264_MP4.contentType()).isEqualTo("video/mp4");
    assertThat(VideoCodec.H264_MP4.extension()).isEqualTo("mp4");
    assertThat(VideoCodec.AV1_WEBM.extension()).isEqualTo("webm");
    assertThat(VideoCodec.crfFor(50, 60, 10)).isEqualTo(35);
  }
}
