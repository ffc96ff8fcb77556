package io.inferencegateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Text log lines: as logback's pattern lays them out, stack traces included")
class TextLayoutTest {

  private final LoggerContext context = new LoggerContext();

  @Test
  void linesMatchTheLogbackPatternTheyReplace() {
    PatternLayout pattern = new PatternLayout();
    pattern.setContext(context);
    pattern.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n");
    pattern.start();
    TextLayout layout = new TextLayout();
    layout.setContext(context);
    layout.start();

    for (LoggingEvent event : new LoggingEvent[] {
        event(Level.INFO, "io.inferencegateway.Main", "listening on {}:{}", null,
            "0.0.0.0", 8080),
        event(Level.WARN, "access", "no arguments", null),
        event(Level.ERROR, "io.inferencegateway.model.ModelRuntime", "Model {} failed",
            new IllegalStateException("broken", new java.io.IOException("cause")), "mlp")}) {
      assertThat(layout.doLayout(event)).isEqualTo(pattern.doLayout(event));
    }
  }

  @Test
  void aThrowableFollowsItsLineWithItsStackAndCause() {
    TextLayout layout = new TextLayout();
    layout.setContext(context);
    layout.start();

    String text = layout.doLayout(event(Level.ERROR, "x.y.Z", "failed",
        new IllegalStateException("broken", new java.io.IOException("cause"))));
    assertThat(text.lines().toList())
        .first().asString().endsWith(" ERROR [test-thread] Z - failed");
    assertThat(text).contains("java.lang.IllegalStateException: broken")
        .contains("\tat io.inferencegateway.logging.TextLayoutTest")
        .contains("Caused by: java.io.IOException: cause");
  }

  private LoggingEvent event(Level level, String logger, String message, Throwable thrown,
      Object... arguments) {
    LoggingEvent event = new LoggingEvent("fqcn", context.getLogger(logger), level, message,
        thrown, arguments);
    event.setThreadName("test-thread");
    return event;
  }
}
