package cz.zoom.screenrec.systemtest;

import cz.zoom.screenrec.testkit.ClientProcess;
import cz.zoom.screenrec.testkit.ServerProcess;
import cz.zoom.screenrec.testkit.XvfbDisplay;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Owns the processes a test class starts: whatever is added during a test is closed after that
 * test, whatever is added in {@code @BeforeAll} after the class, newest first. When a test or a
 * set-up fails, the tails of the processes' logs are attached to the failure, so CI's report shows
 * what the server and client said. Register as a static field with {@code @RegisterExtension}.
 */
public final class ProcessGuard
    implements BeforeEachCallback,
        AfterEachCallback,
        AfterAllCallback,
        TestExecutionExceptionHandler,
        LifecycleMethodExecutionExceptionHandler {
  private static final int LOG_LINES = 60;

  private final Deque<AutoCloseable> classScoped = new ArrayDeque<>();
  private final Deque<AutoCloseable> testScoped = new ArrayDeque<>();
  private volatile boolean inTest;

  public synchronized <T extends AutoCloseable> T add(T resource) {
    (inTest ? testScoped : classScoped).push(resource);
    return resource;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    inTest = true;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    inTest = false;
    closeAll(testScoped);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    closeAll(classScoped);
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    throw withLogs(throwable);
  }

  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    throw withLogs(throwable);
  }

  @Override
  public void handleBeforeEachMethodExecutionException(
      ExtensionContext context, Throwable throwable) throws Throwable {
    throw withLogs(throwable);
  }

  private synchronized Throwable withLogs(Throwable failure) {
    for (Deque<AutoCloseable> scope : java.util.List.of(testScoped, classScoped)) {
      for (AutoCloseable r : scope) {
        String tail = logTail(r);
        if (tail != null) {
          failure.addSuppressed(new ProcessLog(tail));
        }
      }
    }
    return failure;
  }

  private static String logTail(AutoCloseable r) {
    if (r instanceof ServerProcess s) {
      return s + System.lineSeparator() + s.logTail(LOG_LINES);
    }
    if (r instanceof ClientProcess c) {
      return c + System.lineSeparator() + c.logTail(LOG_LINES);
    }
    if (r instanceof XvfbDisplay x) {
      return x + System.lineSeparator() + x.logTail(10);
    }
    return null;
  }

  private synchronized void closeAll(Deque<AutoCloseable> scope) throws Exception {
    Exception first = null;
    while (!scope.isEmpty()) {
      try {
        scope.pop().close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** Carries a process log in a failure report; its stack trace would only be noise. */
  static final class ProcessLog extends RuntimeException {
    ProcessLog(String log) {
      super(System.lineSeparator() + log, null, false, false);
    }
  }
}
