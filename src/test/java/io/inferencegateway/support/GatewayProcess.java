package io.inferencegateway.support;

import static org.assertj.core.api.Assertions.fail;

import io.inferencegateway.Main;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The gateway as a separate JVM, run from the test class path, with its output collected line by
 * line. Its management port is a free one unless the environment given says otherwise.
 */
public final class GatewayProcess {

  private static final Duration EXIT_WITHIN = Duration.ofSeconds(20);
  private static final Duration START_WITHIN = Duration.ofSeconds(30);
  /** The start line names the data port, then the management port. */
  public static final Pattern LISTENING = Pattern.compile("listening on \\S+:(\\d+)");
  private static final Pattern MANAGEMENT = Pattern.compile("management on \\S+:(\\d+)");

  private final Process process;
  private final List<String> stdout = new CopyOnWriteArrayList<>();
  private final List<String> stderr = new CopyOnWriteArrayList<>();
  private final Thread stdoutPump;
  private final Thread stderrPump;

  private GatewayProcess(Process process) {
    this.process = process;
    this.stdoutPump = pump(process.getInputStream(), stdout);
    this.stderrPump = pump(process.getErrorStream(), stderr);
  }

  /**
   * Starts Main from the test classpath, with {@code jvmOptions}; GATEWAY_* variables are only
   * those in {@code env}, and GATEWAY_MANAGEMENT_PORT=0 unless it sets that one.
   */
  public static GatewayProcess start(Map<String, String> env, String... jvmOptions)
      throws IOException {
    return launch(env, System.getProperty("java.class.path"), jvmOptions);
  }

  /**
   * Starts Main as {@link #start} does but without the test classes, so that the gateway logs as
   * it ships instead of through the tests' {@code logback-test.xml}.
   */
  public static GatewayProcess startWithShippedLogging(Map<String, String> env,
      String... jvmOptions) throws IOException {
    String classPath = Arrays.stream(System.getProperty("java.class.path")
            .split(File.pathSeparator))
        .filter(entry -> !Path.of(entry).endsWith("test-classes"))
        .collect(Collectors.joining(File.pathSeparator));
    return launch(env, classPath, jvmOptions);
  }

  private static GatewayProcess launch(Map<String, String> env, String classPath,
      String... jvmOptions) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-cp", classPath, Main.class.getName()));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.directory(Path.of("").toAbsolutePath().toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("GATEWAY_"));
    builder.environment().putAll(env);
    builder.environment().putIfAbsent("GATEWAY_MANAGEMENT_PORT", "0");
    return new GatewayProcess(builder.start());
  }

  private static Thread pump(InputStream stream, List<String> sink) {
    Thread thread = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(
          new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        reader.lines().forEach(sink::add);
      } catch (IOException | UncheckedIOException e) {
        sink.add("[pump failed: " + e + "]");
      }
    }, "gateway-output");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** The first stdout line matching, waiting at most the start deadline. */
  public String awaitStdout(Predicate<String> match) throws InterruptedException {
    Instant deadline = Instant.now().plus(START_WITHIN);
    while (Instant.now().isBefore(deadline)) {
      for (String line : stdout) {
        if (match.test(line)) {
          return line;
        }
      }
      if (!process.isAlive() && !stdoutPump.isAlive()) {
        fail("gateway exited with %d before the expected line; stdout %s, stderr %s",
            process.exitValue(), stdout, stderr);
      }
      Thread.sleep(50);
    }
    return fail("no expected line within %s; stdout %s, stderr %s", START_WITHIN, stdout, stderr);
  }

  /** Waits for the exit and the end of its output; the exit code. */
  public int awaitExit() throws InterruptedException {
    if (!process.waitFor(EXIT_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
      fail("gateway still running after %s; stdout %s, stderr %s", EXIT_WITHIN, stdout, stderr);
    }
    stdoutPump.join(5_000);
    stderrPump.join(5_000);
    return process.exitValue();
  }

  /** SIGTERM through the process handle, which unlike Process.destroy keeps the output open. */
  public void terminate() {
    process.toHandle().destroy();
  }

  /** SIGKILL: the process dies at once, with no chance to drain or leave a cluster. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  public List<String> stdout() {
    return stdout;
  }

  public List<String> stderr() {
    return stderr;
  }

  /** The data port the start line names, waiting for it. */
  public int port() throws InterruptedException {
    return number(LISTENING, awaitStdout(line -> LISTENING.matcher(line).find()));
  }

  /** The management port the start line names, waiting for it. */
  public int managementPort() throws InterruptedException {
    return number(MANAGEMENT, awaitStdout(line -> MANAGEMENT.matcher(line).find()));
  }

  public long pid() {
    return process.pid();
  }

  private static int number(Pattern pattern, String line) {
    Matcher matcher = pattern.matcher(line);
    if (!matcher.find()) {
      throw new AssertionError("no port in " + line);
    }
    return Integer.parseInt(matcher.group(1));
  }
}
