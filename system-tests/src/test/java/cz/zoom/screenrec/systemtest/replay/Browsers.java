package cz.zoom.screenrec.systemtest.replay;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Browsers of one test: each is closed after the test. When a test fails, each browser's page is
 * saved as a screenshot (target/screenshots) and its console is attached to the failure, which is
 * where a page's script errors show. Register as a static field with {@code @RegisterExtension}.
 */
final class Browsers implements AfterEachCallback, TestExecutionExceptionHandler {
  private final List<Browser> open = new ArrayList<>();

  synchronized Browser start(URI base) {
    Browser b = Browser.start(base);
    open.add(b);
    return b;
  }

  @Override
  public synchronized void handleTestExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    int i = 0;
    for (Browser b : open) {
      String name =
          context.getRequiredTestClass().getSimpleName()
              + "-"
              + context.getRequiredTestMethod().getName()
              + "-"
              + i++;
      try {
        String shot = b.saveScreenshot(name).toString();
        failure.addSuppressed(
            new BrowserState(
                "browser "
                    + name
                    + " at "
                    + b.driver().getCurrentUrl()
                    + ", screenshot "
                    + shot
                    + ", console:"
                    + System.lineSeparator()
                    + b.console()));
      } catch (RuntimeException e) {
        failure.addSuppressed(e);
      }
    }
    throw failure;
  }

  @Override
  public synchronized void afterEach(ExtensionContext context) {
    for (Browser b : open) {
      try {
        b.close();
      } catch (RuntimeException ignored) {
        // the next browser still gets closed
      }
    }
    open.clear();
  }

  /** Carries a browser's state in a failure report; its stack trace would only be noise. */
  static final class BrowserState extends RuntimeException {
    BrowserState(String message) {
      super(message, null, false, false);
    }
  }
}
