package io.llmcanary.local.cli;

import io.llmcanary.core.rollout.Percent;
import io.llmcanary.local.sim.RolloutSimulation;
import io.llmcanary.local.sim.SimulationResult;
import io.llmcanary.local.sim.TimelineEvent;
import java.io.PrintStream;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Set;

/** Prints a simulated rollout's timeline: one line per event, with the comparison table where it decided. */
public final class TimelinePrinter {

  private static final Set<String> WITH_TABLE = Set.of("GATE", "ROLLED_BACK", "STALLED", "EXTENDED");

  private final Style style;

  public TimelinePrinter(Style style) {
    this.style = style;
  }

  public void print(SimulationResult r, PrintStream out) {
    for (TimelineEvent e : r.timeline()) {
      ZonedDateTime at = e.at().atZone(ZoneOffset.UTC);
      long day = Duration.between(RolloutSimulation.START.truncatedTo(ChronoUnit.DAYS), e.at()).toDays();
      String when = String.format(Locale.ROOT, "day %d %02d:%02d", day, at.getHour(), at.getMinute());
      String kind = switch (e.kind()) {
        case "ROLLED_BACK" -> style.red(e.kind());
        case "PROMOTED" -> style.green(e.kind());
        default -> e.kind();
      };
      out.printf(Locale.ROOT, "%s  check %4d  stage %d  %6s  %-12s %s%n", when, e.check(), e.stage() + 1,
          Percent.text(e.percent()), kind, e.verdict() == null ? e.text() : e.text().replace(e.verdict().name(),
              style.outcome(e.verdict())));
      if (e.table() != null && WITH_TABLE.contains(e.kind())) {
        e.table().lines().forEach(l -> out.println("      " + l));
      }
    }
    out.printf(Locale.ROOT, "=> %s after %d health checks%s%n", outcomeText(r), r.checks(),
        r.rolledBack() ? " (rolled back at check " + r.rollbackCheck() + ")" : "");
  }

  private String outcomeText(SimulationResult r) {
    return switch (r.outcome()) {
      case "PROMOTED" -> style.green("PROMOTED");
      case "ROLLED_BACK" -> style.red("ROLLED_BACK");
      default -> style.bold(r.outcome());
    };
  }

}
