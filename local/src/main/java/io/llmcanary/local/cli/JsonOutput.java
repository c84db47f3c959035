package io.llmcanary.local.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.llmcanary.codec.Json;
import io.llmcanary.local.sim.SimulationResult;
import io.llmcanary.local.sim.TimelineEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON for --json output. NaN (no data) is written as null. */
final class JsonOutput {

  /** Keeps nulls: "no data" is part of the documented output shape, unlike in the config document. */
  private static final ObjectWriter WRITER = Json.MAPPER.copy()
      .setSerializationInclusion(JsonInclude.Include.ALWAYS).writerWithDefaultPrettyPrinter();

  private JsonOutput() {}

  static String write(Object o) {
    try {
      return WRITER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static Object num(double d) {
    return Double.isNaN(d) ? null : d;
  }

  static Map<String, Object> result(SimulationResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("outcome", r.outcome());
    m.put("checks", r.checks());
    m.put("rollbackCheck", r.rollbackCheck() < 0 ? null : r.rollbackCheck());
    m.put("stageReached", r.stageReached() + 1);
    List<Map<String, Object>> events = r.timeline().stream().map(JsonOutput::event).toList();
    m.put("timeline", events);
    return m;
  }

  private static Map<String, Object> event(TimelineEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", e.at().toString());
    m.put("check", e.check());
    m.put("stage", e.stage() + 1);
    m.put("percent", e.percent());
    m.put("kind", e.kind());
    m.put("verdict", e.verdict() == null ? null : e.verdict().name());
    m.put("text", e.text());
    m.put("table", e.table());
    return m;
  }
}
