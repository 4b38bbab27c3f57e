package cz.zoom.screenrec.systemtest.replay;

import cz.zoom.screenrec.testkit.TestTrust;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium driven by Selenium: Debian's chromium and chromium-driver at the paths the
 * packages install (or -Dscreenrec.chromium / -Dscreenrec.chromedriver), both given explicitly so
 * Selenium Manager never runs or downloads anything. Each browser has a fresh profile, deleted on
 * close. Register it with a {@code ProcessGuard} so it is closed after the test.
 */
public final class Browser implements AutoCloseable {
  static final String CHROMIUM = System.getProperty("screenrec.chromium", "/usr/bin/chromium");
  static final String CHROMEDRIVER =
      System.getProperty("screenrec.chromedriver", "/usr/bin/chromedriver");
  static final Duration WAIT = Duration.ofSeconds(30);

  private final ChromeDriver driver;
  private final ChromeDriverService service;
  private final Path profile;
  private final URI base;

  private Browser(ChromeDriver driver, ChromeDriverService service, Path profile, URI base) {
    this.driver = driver;
    this.service = service;
    this.profile = profile;
    this.base = base;
  }

  /**
   * A browser whose relative {@link #open} paths resolve against {@code base} (the server's HTTP
   * root).
   */
  public static Browser start(URI base) {
    Path profile;
    try {
      profile = Files.createTempDirectory("screenrec-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    // the machine has no network beyond loopback: nothing may phone home, and a fresh profile each
    // time
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--user-data-dir=" + profile,
        "--window-size=1400,1000");
    if (!TestTrust.spkiHashes().isEmpty()) {
      // the servers' own CAs, by their keys: Chromium trusts those and no other unknown CA
      options.addArguments(
          "--ignore-certificate-errors-spki-list=" + String.join(",", TestTrust.spkiHashes()));
    }
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER))
            .usingAnyFreePort()
            .withSilent(true)
            .build();
    try {
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
      return new Browser(driver, service, profile, base);
    } catch (RuntimeException e) {
      service.stop();
      deleteQuietly(profile);
      throw e;
    }
  }

  public WebDriver driver() {
    return driver;
  }

  public URI base() {
    return base;
  }

  public void open(String path) {
    driver.get(base.resolve(path).toString());
  }

  public String path() {
    return URI.create(driver.getCurrentUrl()).getPath();
  }

  public String query() {
    String q = URI.create(driver.getCurrentUrl()).getRawQuery();
    return q == null ? "" : q;
  }

  public WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  public List<WebElement> findAll(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Waits until the element is visible and returns it. */
  public WebElement visible(String css) {
    return waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
  }

  public WebElement clickable(String css) {
    return waiting().until(ExpectedConditions.elementToBeClickable(By.cssSelector(css)));
  }

  public void click(String css) {
    clickable(css).click();
  }

  public void type(String css, String text) {
    WebElement e = visible(css);
    e.clear();
    e.sendKeys(text);
  }

  public <T> T until(String what, Function<WebDriver, T> condition) {
    return waiting().withMessage(what).until(condition);
  }

  public <T> T until(String what, Duration timeout, Function<WebDriver, T> condition) {
    return waiting(timeout).withMessage(what).until(condition);
  }

  private WebDriverWait waiting() {
    return waiting(WAIT);
  }

  /**
   * Pages re-render tables after each change, so an element found a moment ago may be gone: look
   * again.
   */
  private WebDriverWait waiting(Duration timeout) {
    WebDriverWait w = new WebDriverWait(driver, timeout, Duration.ofMillis(50));
    w.ignoring(StaleElementReferenceException.class);
    return w;
  }

  /** Waits for a page whose script marks {@code body[data-ready]} once it has loaded its data. */
  public void awaitPageReady(String path) {
    until(
        "page " + path + " ready (at " + driver.getCurrentUrl() + ")",
        d ->
            path().equals(path)
                && "true"
                    .equals(
                        ((JavascriptExecutor) d)
                            .executeScript("return document.body && document.body.dataset.ready")));
  }

  @SuppressWarnings("unchecked")
  public <T> T js(String script, Object... args) {
    return (T) driver.executeScript(script, args);
  }

  /** Runs an asynchronous script: its last argument is the callback that ends it with a result. */
  @SuppressWarnings("unchecked")
  public <T> T jsAsync(String script, Object... args) {
    return (T) driver.executeAsyncScript(script, args);
  }

  public Cookie cookie(String name) {
    return driver.manage().getCookieNamed(name);
  }

  public byte[] screenshot() {
    return driver.getScreenshotAs(OutputType.BYTES);
  }

  /** Saves a screenshot under target/screenshots (for people looking at a failed or new page). */
  public Path saveScreenshot(String name) {
    try {
      Path dir = Path.of(System.getProperty("screenrec.screenshots.dir", "target/screenshots"));
      Files.createDirectories(dir);
      Path file = dir.resolve(name + ".png");
      Files.write(file, screenshot());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The browser console so far (errors of the page's scripts show here). */
  public String console() {
    try {
      return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
          .map(LogEntry::toString)
          .collect(Collectors.joining(System.lineSeparator()));
    } catch (RuntimeException e) {
      return "(console not available: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      deleteQuietly(profile);
    }
  }

  @Override
  public String toString() {
    return "chromium[" + base + "]";
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // a profile left in /tmp is harmless
    }
  }
}
