package cz.zoom.screenrec.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import cz.zoom.screenrec.server.http.RangeResponse.Span;
import org.junit.jupiter.api.Test;

class RangeResponseTest {
  private static final long SIZE = 10_000;
  private static final long CHUNK = 1_000;

  @Test
  void noRangeIsTheWholeFile() {
    assertThat(RangeResponse.resolve(null, SIZE, CHUNK)).isEqualTo(new Span(0, 9_999, false));
  }

  @Test
  void closedAndSuffixRangesAreAnsweredExactly() {
    assertThat(RangeResponse.resolve("bytes=0-99", SIZE, CHUNK)).isEqualTo(new Span(0, 99, true));
    assertThat(RangeResponse.resolve("bytes=5000-7999", SIZE, CHUNK))
        .isEqualTo(new Span(5_000, 7_999, true));
    assertThat(RangeResponse.resolve("bytes=9000-20000", SIZE, CHUNK))
        .isEqualTo(new Span(9_000, 9_999, true));
    assertThat(RangeResponse.resolve("bytes=-500", SIZE, CHUNK))
        .isEqualTo(new Span(9_500, 9_999, true));
  }

  @Test
  void openEndedRangesGetOneChunkSoAPausedPlayerHoldsNoConnection() {
    assertThat(RangeResponse.resolve("bytes=0-", SIZE, CHUNK)).isEqualTo(new Span(0, 999, true));
    assertThat(RangeResponse.resolve("bytes=9500-", SIZE, CHUNK))
        .isEqualTo(new Span(9_500, 9_999, true));
  }

  @Test
  void unsatisfiableOrMalformedRangesAreRefused() {
    assertThat(RangeResponse.resolve("bytes=10000-", SIZE, CHUNK)).isNull();
    assertThat(RangeResponse.resolve("bytes=500-100", SIZE, CHUNK)).isNull();
    assertThat(RangeResponse.resolve("bytes=-", SIZE, CHUNK)).isNull();
    assertThat(RangeResponse.resolve("bytes=0-1,5-9", SIZE, CHUNK)).isNull();
    assertThat(RangeResponse.resolve("items=0-1", SIZE, CHUNK)).isNull();
    assertThat(RangeResponse.resolve("bytes=99999999999999999999-", SIZE, CHUNK)).isNull();
  }
}
