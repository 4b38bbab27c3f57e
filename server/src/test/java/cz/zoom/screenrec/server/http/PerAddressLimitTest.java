package cz.zoom.screenrec.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PerAddressLimitTest {
  @Test
  void eachAddressHasItsOwnBoundAndIsForgottenWhenDone() {
    PerAddressLimit limit = new PerAddressLimit(2);
    assertThat(limit.tryAcquire("127.0.0.3")).isTrue();
    assertThat(limit.tryAcquire("127.0.0.3")).isTrue();
    assertThat(limit.tryAcquire("127.0.0.3")).isFalse();
    assertThat(limit.tryAcquire("127.0.0.1")).as("another address").isTrue();
    limit.release("127.0.0.3");
    assertThat(limit.tryAcquire("127.0.0.3")).isTrue();
    limit.release("127.0.0.3");
    limit.release("127.0.0.3");
    limit.release("127.0.0.1");
    assertThat(limit.addresses()).isZero();
    limit.release("127.0.0.9");
    assertThat(limit.addresses()).isZero();
  }
}
