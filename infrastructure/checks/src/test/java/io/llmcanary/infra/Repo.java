package io.llmcanary.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The repository under test: its root, template.yaml read as a tree, and the modules of the Maven reactor. */
final class Repo {

  static final ObjectMapper JSON = new ObjectMapper();
  /** CloudFormation short forms (!Ref X, !Sub "...", !If [...]) parse as their plain value; the tag is dropped. */
  private static final YAMLMapper YAML = new YAMLMapper();

  private Repo() {}

  static Path root() {
    String prop = System.getProperty("canary.root");
    Path start = prop != null && !prop.isBlank() ? Path.of(prop) : Path.of("").toAbsolutePath();
    for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("template.yaml")) && Files.isRegularFile(p.resolve("mvnw"))) {
        return p;
      }
    }
    throw new IllegalStateException("no repository root (template.yaml beside mvnw) at or above " + start);
  }

  static Path templatePath() {
    return root().resolve("template.yaml");
  }

  static JsonNode template() {
    try {
      return YAML.readTree(templatePath().toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Logical id to resource, for every resource of the given type, in template order. */
  static Map<String, JsonNode> resources(JsonNode template, String type) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    template.path("Resources").fields().forEachRemaining(e -> {
      if (type.equals(e.getValue().path("Type").asText())) {
        out.put(e.getKey(), e.getValue());
      }
    });
    return out;
  }

  /** The module directories listed in the root pom.xml (the Maven reactor). */
  static List<String> reactorModules() {
    Matcher m = Pattern.compile("<module>\\s*([^<\\s]+)\\s*</module>").matcher(read(root().resolve("pom.xml")));
    List<String> modules = new ArrayList<>();
    while (m.find()) {
      modules.add(m.group(1));
    }
    return modules;
  }
}
