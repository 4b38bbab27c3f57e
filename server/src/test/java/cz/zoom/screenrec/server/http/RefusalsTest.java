package cz.zoom.screenrec.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import cz.zoom.screenrec.server.core.Refusal;
import java.lang.reflect.Constructor;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A new kind of refusal cannot reach a client without a status of its own. */
class RefusalsTest {
  @Test
  void everyKindOfRefusalHasItsOwnStatus() throws Exception {
    Set<Integer> statuses = new HashSet<>();
    for (Class<?> kind : Refusal.class.getPermittedSubclasses()) {
      Refusal refusal = null;
      for (Constructor<?> c : kind.getConstructors()) {
        Object[] args =
            c.getParameterCount() == 2 ? new Object[] {"code", "why"} : new Object[] {"why"};
        refusal = (Refusal) c.newInstance(args);
      }
      int status = Refusals.status(refusal);
      assertThat(status).as(kind.getSimpleName()).isBetween(400, 599);
      statuses.add(status);
    }
    assertThat(statuses).hasSameSizeAs(Refusal.class.getPermittedSubclasses());
  }
}
