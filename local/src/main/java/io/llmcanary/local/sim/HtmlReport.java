package io.llmcanary.local.sim;

import io.llmcanary.core.config.Guardrails;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A self-contained HTML report of simulated rollouts: inline SVG charts, no scripts, no network. For each
 * rollout: the canary percent over time; each metric for canary and stable with its rollback threshold;
 * the verdict of every health check; and the timeline.
 */
public final class HtmlReport {

  private static final int W = 860;
  private static final int H = 170;
  private static final int PAD_L = 70;
  private static final int PAD_R = 20;
  private static final int PAD_T = 12;
  private static final int PAD_B = 28;

  /** One rollout to show. */
  public record Section(String title, SimulationResult result) {}

  private HtmlReport() {}

  public static Path write(Path file, String title, List<Section> sections, Guardrails g) throws IOException {
    StringBuilder b = new StringBuilder();
    b.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title))
        .append("</title><style>body{font:14px system-ui,sans-serif;margin:24px;color:#222;max-width:920px}"
            + "h1{font-size:20px}h2{font-size:17px;margin-top:36px}h3{font-size:14px;margin:18px 0 4px}"
            + "pre{background:#f6f6f6;padding:8px;font-size:12px;overflow-x:auto}"
            + ".legend span{margin-right:16px}.s{color:#1f77b4}.c{color:#d62728}.t{color:#888}"
            + "table{border-collapse:collapse;font-size:12px}td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left}"
            + "</style></head><body><h1>").append(esc(title)).append("</h1>")
        .append("<p class=\"legend\"><span class=\"s\">&#9632; stable</span><span class=\"c\">&#9632; canary</span>"
            + "<span class=\"t\">- - rollback threshold</span></p>");
    for (Section s : sections) {
      section(b, s, g);
    }
    b.append("</body></html>\n");
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
    return file;
  }

  private static void section(StringBuilder b, Section s, Guardrails g) {
    SimulationResult r = s.result();
    List<SimulationResult.CheckPoint> pts = r.series();
    b.append("<h2>").append(esc(s.title())).append(" — ").append(esc(r.outcome())).append(" after ")
        .append(r.checks()).append(" checks</h2>");
    b.append("<h3>Canary percent</h3>");
    chart(b, pts, List.of(new Line(p -> p.percent(), "#d62728", false)), 0, 100, "%");
    b.append("<h3>Quality (mean, per stage so far)</h3>");
    chart(b, pts, List.of(new Line(p -> p.stableQuality(), "#1f77b4", false),
        new Line(p -> p.canaryQuality(), "#d62728", false),
        new Line(p -> p.stableQuality() * g.rollbackQualityRatio(), "#888", true)), Double.NaN, Double.NaN, "");
    b.append("<h3>Error rate</h3>");
    chart(b, pts, List.of(new Line(p -> p.stableErrorRate(), "#1f77b4", false),
        new Line(p -> p.canaryErrorRate(), "#d62728", false),
        new Line(p -> Math.max(p.stableErrorRate() * g.rollbackErrorRateRatio(),
            p.stableErrorRate() + g.minErrorRateIncrease()), "#888", true)), 0, Double.NaN, "");
    b.append("<h3>p95 latency (ms)</h3>");
    chart(b, pts, List.of(new Line(p -> p.stableP95(), "#1f77b4", false),
        new Line(p -> p.canaryP95(), "#d62728", false),
        new Line(p -> p.stableP95() * g.rollbackLatencyP95Ratio(), "#888", true)), 0, Double.NaN, "");
    b.append("<h3>Cost per request (USD)</h3>");
    chart(b, pts, List.of(new Line(p -> p.stableCost(), "#1f77b4", false),
        new Line(p -> p.canaryCost(), "#d62728", false),
        new Line(p -> p.stableCost() * g.rollbackCostRatio(), "#888", true)), 0, Double.NaN, "");
    b.append("<h3>Verdicts</h3>");
    verdicts(b, pts);
    b.append("<h3>Timeline</h3><table><tr><th>time</th><th>check</th><th>%</th><th>event</th><th>what</th></tr>");
    for (TimelineEvent e : r.timeline()) {
      b.append("<tr><td>").append(e.at()).append("</td><td>").append(e.check()).append("</td><td>")
          .append(fmt(e.percent())).append("</td><td>").append(esc(e.kind())).append("</td><td>")
          .append(esc(e.text()));
      if (e.table() != null && !"VERDICT".equals(e.kind())) {
        b.append("<pre>").append(esc(e.table())).append("</pre>");
      }
      b.append("</td></tr>");
    }
    b.append("</table>");
  }

  private record Line(ToDoubleFunction<SimulationResult.CheckPoint> value, String colour, boolean dashed) {}

  private static void chart(StringBuilder b, List<SimulationResult.CheckPoint> pts, List<Line> lines, double minY,
      double maxY, String unit) {
    if (pts.isEmpty()) {
      b.append("<p>no data</p>");
      return;
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Line l : lines) {
      for (SimulationResult.CheckPoint p : pts) {
        double v = l.value().applyAsDouble(p);
        if (!Double.isNaN(v) && !Double.isInfinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (lo == Double.POSITIVE_INFINITY) {
      b.append("<p>no data yet</p>");
      return;
    }
    if (!Double.isNaN(minY)) {
      lo = minY;
    }
    if (!Double.isNaN(maxY)) {
      hi = maxY;
    }
    if (hi <= lo) {
      hi = lo + 1;
    }
    double span = hi - lo;
    lo -= Double.isNaN(minY) ? span * 0.05 : 0;
    hi += Double.isNaN(maxY) ? span * 0.05 : 0;
    double maxX = pts.get(pts.size() - 1).hours();
    b.append("<svg width=\"").append(W).append("\" height=\"").append(H).append("\" viewBox=\"0 0 ").append(W)
        .append(' ').append(H).append("\" role=\"img\">");
    b.append("<rect x=\"").append(PAD_L).append("\" y=\"").append(PAD_T).append("\" width=\"").append(W - PAD_L - PAD_R)
        .append("\" height=\"").append(H - PAD_T - PAD_B).append("\" fill=\"none\" stroke=\"#ccc\"/>");
    for (int i = 0; i <= 2; i++) {
      double v = lo + (hi - lo) * i / 2;
      double y = y(v, lo, hi);
      b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s%s</text>",
          PAD_L - 6, y + 4, fmt(v), unit));
    }
    for (int d = 0; d <= (int) (maxX / 24); d++) {
      double x = x(d * 24.0, maxX);
      b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#eee\"/>"
          + "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">day %d</text>",
          x, x, PAD_T, H - PAD_B, x, H - 8, d));
    }
    for (Line l : lines) {
      StringBuilder path = new StringBuilder();
      boolean pen = false;
      for (SimulationResult.CheckPoint p : pts) {
        double v = l.value().applyAsDouble(p);
        if (Double.isNaN(v) || Double.isInfinite(v)) {
          pen = false;
          continue;
        }
        path.append(pen ? 'L' : 'M').append(String.format(Locale.ROOT, "%.1f,%.1f ", x(p.hours(), maxX),
            y(Math.max(lo, Math.min(hi, v)), lo, hi)));
        pen = true;
      }
      b.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(l.colour())
          .append("\" stroke-width=\"1.5\"").append(l.dashed() ? " stroke-dasharray=\"5,4\"" : "").append("/>");
    }
    b.append("</svg>");
  }

  private static void verdicts(StringBuilder b, List<SimulationResult.CheckPoint> pts) {
    double maxX = pts.isEmpty() ? 1 : pts.get(pts.size() - 1).hours();
    b.append("<svg width=\"").append(W).append("\" height=\"40\" role=\"img\">");
    double w = Math.max(1.0, (W - PAD_L - PAD_R) / Math.max(1.0, pts.size()));
    for (SimulationResult.CheckPoint p : pts) {
      String colour = switch (p.verdict()) {
        case "HEALTHY" -> "#2ca02c";
        case "REGRESSION" -> "#d62728";
        default -> "#f2c14e";
      };
      b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"6\" width=\"%.1f\" height=\"18\" fill=\"%s\"/>",
          x(p.hours(), maxX) - w, w, colour));
    }
    b.append("<text x=\"0\" y=\"20\" font-size=\"11\">green healthy</text><text x=\"0\" y=\"34\" font-size=\"11\">"
        + "yellow inconclusive, red regression</text></svg>");
  }

  private static double x(double hours, double maxX) {
    return PAD_L + (W - PAD_L - PAD_R) * (maxX <= 0 ? 0 : hours / maxX);
  }

  private static double y(double v, double lo, double hi) {
    return PAD_T + (H - PAD_T - PAD_B) * (1 - (v - lo) / (hi - lo));
  }

  private static String fmt(double v) {
    double a = Math.abs(v);
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static String esc(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
