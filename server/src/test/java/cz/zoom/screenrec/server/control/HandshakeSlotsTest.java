package cz.zoom.screenrec.server.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HandshakeSlotsTest {
  @Test
  void connectionsBeyondTheSlotsWaitWithReadingOffAndGetASlotInTurn() {
    HandshakeSlots slots = new HandshakeSlots(1, 1);
    EmbeddedChannel first = new EmbeddedChannel();
    EmbeddedChannel second = new EmbeddedChannel();
    EmbeddedChannel third = new EmbeddedChannel();
    AtomicInteger admitted = new AtomicInteger();
    assertThat(slots.enter(first, admitted::incrementAndGet)).isTrue();
    assertThat(slots.enter(second, admitted::incrementAndGet)).isFalse();
    assertThat(slots.enter(third, admitted::incrementAndGet)).isFalse();
    assertThat(second.config().isAutoRead()).isFalse();
    assertThat(slots.waiting()).isEqualTo(2);

    // a waiting connection that closes is skipped: the slot goes to the next one still open
    second.close();
    slots.leave(first);
    third.runPendingTasks();
    assertThat(third.config().isAutoRead()).isTrue();
    assertThat(admitted).hasValue(1);
    assertThat(slots.inUse()).isEqualTo(1);
    assertThat(slots.waiting()).isZero();

    slots.leave(third);
    assertThat(slots.inUse()).isZero();
  }
}
