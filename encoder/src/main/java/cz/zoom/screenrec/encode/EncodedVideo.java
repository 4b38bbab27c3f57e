package cz.zoom.screenrec.encode;

import java.nio.file.Path;

/**
 * A finished encode.
 *
 * @param video the encoded file
 * @param thumbnail a JPEG of a frame around the middle
 * @param codec the codec it was encoded with
 * @param bytes size of {@code video}
 * @param durationMs frames / fps, in ms
 * @param frames frames in the video
 * @param layout how the screens are placed in the video's picture
 */
public record EncodedVideo(
    Path video,
    Path thumbnail,
    VideoCodec codec,
    long bytes,
    long durationMs,
    int frames,
    VideoLayout layout) {}
