package cz.zoom.screenrec.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentMapTest {
  @TempDir Path tmp;

  @Test
  void mappedLoginsRecordAsTheirAgentOthersAsThemselvesWhenValid() throws Exception {
    Path file = tmp.resolve("map");
    Files.writeString(
        file, "# terminal server ts01\n\n  CORP\\jnovak = jan.novak \nmaria=agent-17\n");
    AgentMap map = AgentMap.read(file);
    assertThat(map.size()).isEqualTo(2);
    assertThat(map.agentOf("CORP\\jnovak")).hasValue("jan.novak");
    assertThat(map.agentOf("maria")).hasValue("agent-17");
    assertThat(map.agentOf("petr")).hasValue("petr");
    assertThat(map.agentOf("CORP\\petr")).as("not a valid agent name and not mapped").isEmpty();
    assertThat(AgentMap.identity().agentOf("alice")).hasValue("alice");
  }

  @Test
  void everyBadLineIsReportedWithItsNumber() throws Exception {
    Path file = tmp.resolve("map");
    Files.writeString(file, "alice=a\nnoequals\nbob=has space\nalice=b\n=x\n");
    assertThatThrownBy(() -> AgentMap.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(":2: expected login=agent")
        .hasMessageContaining(":3: agent 'has space' is not a valid agent name")
        .hasMessageContaining(":4: login 'alice' is mapped twice")
        .hasMessageContaining(":5: expected login=agent");
  }
}
