package cz.zoom.screenrec.server.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class HandshakeSlotsTest {
  @Test
  void connectionsBeyondTheSlotsWaitWithReadingOffAndGetASlotInTurn() {
    HandshakeSlots slots = new HandshakeSlots(1);
    EmbeddedChannel first = new EmbeddedChannel();
    EmbeddedChannel second = new EmbeddedChannel();
    EmbeddedChannel third = new EmbeddedChannel();
    assertThat(slots.enter(first)).isTrue();
    assertThat(slots.enter(second)).isFalse();
    assertThat(slots.enter(third)).isFalse();
    assertThat(second.config().isAutoRead()).isFalse();
    assertThat(slots.waiting()).isEqualTo(2);

    // a waiting connection that closes is skipped: the slot goes to the next one still open
    second.close();
    slots.leave();
    third.runPendingTasks();
    assertThat(third.config().isAutoRead()).isTrue();
    assertThat(slots.inUse()).isEqualTo(1);
    assertThat(slots.waiting()).isZero();

    slots.leave();
    assertThat(slots.inUse()).isZero();
  }
}
