package cz.zoom.screenrec.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostUploadBudgetTest {
  private final HostUploadBudget host = new HostUploadBudget();
  private final Object alice = new Object();
  private final Object bob = new Object();

  @Test
  void theHostCarriesWhatItsAgentsWouldOnTheirOwnDesktops() {
    host.set(alice, 1000);
    host.set(bob, 300);
    assertThat(host.uploads().kbps()).isEqualTo(1300);
    host.set(bob, 2500); // a budget changed at run time
    assertThat(host.uploads().kbps()).isEqualTo(3500);
    host.remove(alice);
    assertThat(host.uploads().kbps()).isEqualTo(2500);
  }

  @Test
  void withNoSessionTheServersDefaultPacesTheBacklog() {
    assertThat(host.uploads().kbps()).isEqualTo(1000);
    host.set(alice, 300);
    host.remove(alice);
    assertThat(host.uploads().kbps()).isEqualTo(1000);
  }

  @Test
  void settingsThatArriveAfterASessionEndedDoNotPutItBack() {
    host.set(alice, 300);
    host.remove(alice);
    host.set(alice, 5000);
    assertThat(host.uploads().kbps()).isEqualTo(1000);
  }

  @Test
  void aHostOfHugeBudgetsStillUploads() throws Exception {
    for (int i = 0; i < 3; i++) {
      host.set(new Object(), 1_000_000);
    }
    assertThat(host.uploads().kbps()).isEqualTo(3_000_000);
    byte[] segment = new byte[4 << 20];
    try (java.io.InputStream in = host.uploads().paced(new java.io.ByteArrayInputStream(segment))) {
      // at 3 Gbit/s 4 MiB take 11 ms; an overflowed rate would never let a byte through
      assertThat(
              org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                  java.time.Duration.ofSeconds(20), () -> in.readAllBytes()))
          .hasSize(segment.length);
    }
  }

  @Test
  void anAgentWithoutABudgetLeavesTheHostWithoutOne() {
    host.set(alice, 1000);
    host.set(bob, 0);
    assertThat(host.uploads().kbps()).isZero();
    host.remove(bob);
    assertThat(host.uploads().kbps()).isEqualTo(1000);
  }
}
