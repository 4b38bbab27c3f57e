package cz.zoom.screenrec.server.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourcesTest {
  @Test
  void closesInReverseOrderAndGoesOnPastAFailure() {
    List<String> closed = new ArrayList<>();
    Resources resources = new Resources();
    resources.own(() -> closed.add("database"));
    resources.own(
        () -> {
          closed.add("encoders");
          throw new IllegalStateException("stuck");
        });
    resources.own(() -> closed.add("http"));

    resources.close();

    assertThat(closed).containsExactly("http", "encoders", "database");
  }

  @Test
  void closesEachResourceOnce() {
    List<String> closed = new ArrayList<>();
    Resources resources = new Resources();
    resources.own(() -> closed.add("control"));

    resources.close();
    resources.close();

    assertThat(closed).containsExactly("control");
  }
}
