package cz.zoom.screenrec.client.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The transition table: every state × event, as docs/architecture.md shows it. */
class OwnershipStateTest {

  @Test
  void everyStateAndEventLeadWhereTheDocumentedTableSays() throws Exception {
    List<String> rows = tableRows();
    List<String> header = cells(rows.get(0));
    assertThat(header.subList(1, header.size()))
        .containsExactlyElementsOf(Arrays.stream(OwnershipEvent.values()).map(Enum::name).toList());
    List<String> stateRows = rows.subList(2, rows.size());
    assertThat(stateRows)
        .extracting(r -> cells(r).get(0))
        .containsExactlyElementsOf(Arrays.stream(OwnershipState.values()).map(Enum::name).toList());
    for (String row : stateRows) {
      List<String> cells = cells(row);
      OwnershipState from = OwnershipState.valueOf(cells.get(0));
      for (OwnershipEvent event : OwnershipEvent.values()) {
        String documented = cells.get(event.ordinal() + 1);
        OwnershipState to = from.next(event);
        assertThat(to == null ? "–" : to.name()).as("%s on %s", from, event).isEqualTo(documented);
      }
    }
  }

  @Test
  void onlyTheOwnedRecordingRefusesAnotherStartAndAnOrphanGivesWay() {
    assertThat(OwnershipState.OWNED.next(OwnershipEvent.START_NEW)).isEqualTo(OwnershipState.OWNED);
    assertThat(OwnershipState.STARTING.next(OwnershipEvent.START_NEW))
        .isEqualTo(OwnershipState.STARTING);
    assertThat(OwnershipState.ORPHANED.next(OwnershipEvent.START_NEW))
        .isEqualTo(OwnershipState.STOPPING);
    assertThat(OwnershipState.ORPHANED.next(OwnershipEvent.START_AGAIN))
        .isEqualTo(OwnershipState.OWNED);
  }

  @Test
  void aLostSessionOrphansTheRecordingUntilItIsAdoptedOrItsBoundRunsOut() {
    assertThat(OwnershipState.OWNED.next(OwnershipEvent.SESSION_LOST))
        .isEqualTo(OwnershipState.ORPHANED);
    assertThat(OwnershipState.ORPHANED.next(OwnershipEvent.NOT_ADOPTED))
        .isEqualTo(OwnershipState.ORPHANED);
    assertThat(OwnershipState.ORPHANED.next(OwnershipEvent.ADOPTED))
        .isEqualTo(OwnershipState.OWNED);
    assertThat(OwnershipState.ORPHANED.next(OwnershipEvent.ORPHAN_BOUND))
        .isEqualTo(OwnershipState.STOPPING);
    assertThat(OwnershipState.OWNED.next(OwnershipEvent.ORPHAN_BOUND))
        .as("an owned recording has no bound")
        .isNull();
  }

  @Test
  void nothingButAStartOrASessionEventHappensToAnIdleClient() {
    for (OwnershipEvent event : OwnershipEvent.values()) {
      OwnershipState to = OwnershipState.IDLE.next(event);
      switch (event) {
        case START_NEW -> assertThat(to).isEqualTo(OwnershipState.STARTING);
        case NOT_ADOPTED, SESSION_LOST -> assertThat(to).isEqualTo(OwnershipState.IDLE);
        default -> assertThat(to).as(event.name()).isNull();
      }
    }
  }

  /** The rows of the ownership table in docs/architecture.md: header, separator, one per state. */
  private static List<String> tableRows() throws Exception {
    List<String> lines = Files.readAllLines(doc());
    List<String> rows = new ArrayList<>();
    boolean in = false;
    for (String line : lines) {
      if (line.startsWith("| state \\ event |")) {
        in = true;
      }
      if (in) {
        if (!line.startsWith("|")) {
          break;
        }
        rows.add(line);
      }
    }
    assertThat(rows)
        .as("the ownership table in docs/architecture.md")
        .hasSize(2 + OwnershipState.values().length);
    return rows;
  }

  private static List<String> cells(String row) {
    String inner = row.substring(1, row.length() - 1);
    return Arrays.stream(inner.split("\\|")).map(String::trim).toList();
  }

  private static Path doc() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("docs/architecture.md");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(
        "docs/architecture.md not found above " + Path.of("").toAbsolutePath());
  }
}
