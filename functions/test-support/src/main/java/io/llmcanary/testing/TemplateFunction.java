package io.llmcanary.testing;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One {@code AWS::Serverless::Function} of {@code template.yaml} as Lambda would run it: handler, runtime, memory,
 * timeout, log format and levels, and its environment variables (the template's Globals merged under its own). A
 * variable is either a literal, taken as it is, or a CloudFormation expression ({@code !Ref}, {@code !Sub}, ...) that
 * only a deployment resolves: {@link #environment} asks the test for a local stand-in for each of those, and refuses
 * stand-ins for variables the template does not set, so a test and the template cannot drift apart unnoticed.
 *
 * <p>Read with SnakeYAML's node API, which keeps the CloudFormation tags that a plain YAML-to-tree read drops.
 */
public record TemplateFunction(String logicalId, String handler, String runtime, int memoryMb, int timeoutSeconds,
    String logFormat, String applicationLogLevel, Map<String, Variable> variables) {

  /** A variable's literal value, or (literal null) the CloudFormation expression that sets it, as "!Ref X". */
  public record Variable(String name, String literal, String expression) {
    public boolean isLiteral() {
      return literal != null;
    }
  }

  /** The function {@code logicalId} of the repository's template.yaml. */
  public static TemplateFunction of(String logicalId) {
    return of(Java21.root().resolve("template.yaml"), logicalId);
  }

  public static TemplateFunction of(Path template, String logicalId) {
    MappingNode root;
    try (Reader in = Files.newBufferedReader(template)) {
      root = (MappingNode) new Yaml(new LoaderOptions()).compose(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    MappingNode globals = get(root, "Globals").flatMap(g -> get(g, "Function")).orElse(null);
    MappingNode fn = get(root, "Resources").flatMap(r -> get(r, logicalId))
        .orElseThrow(() -> new IllegalArgumentException("template.yaml has no resource " + logicalId));
    if (!"AWS::Serverless::Function".equals(scalar(fn, "Type").orElse(null))) {
      throw new IllegalArgumentException(logicalId + " is not an AWS::Serverless::Function");
    }
    MappingNode props = get(fn, "Properties").orElseThrow();
    Map<String, Variable> vars = new LinkedHashMap<>();
    for (MappingNode scope : new MappingNode[] {globals, props}) {
      if (scope != null) {
        get(scope, "Environment").flatMap(e -> get(e, "Variables")).ifPresent(v -> v.getValue().forEach(t -> {
          String name = ((ScalarNode) t.getKeyNode()).getValue();
          vars.put(name, variable(name, t.getValueNode()));
        }));
      }
    }
    Optional<MappingNode> logging = get(props, "LoggingConfig");
    return new TemplateFunction(logicalId,
        inherited(props, globals, "Handler").orElseThrow(() -> new IllegalArgumentException(logicalId + ": no Handler")),
        inherited(props, globals, "Runtime").orElse(""),
        Integer.parseInt(inherited(props, globals, "MemorySize").orElse("128")),
        Integer.parseInt(inherited(props, globals, "Timeout").orElse("3")),
        logging.flatMap(l -> scalar(l, "LogFormat")).orElse("Text"),
        logging.flatMap(l -> scalar(l, "ApplicationLogLevel")).orElse(null),
        Map.copyOf(vars));
  }

  /**
   * The function's variables with {@code standIns} for every expression: literals as the template gives them.
   * Throws when an expression has no stand-in, or a stand-in names a variable the template does not set.
   */
  public Map<String, String> environment(Map<String, String> standIns) {
    TreeSet<String> unknown = new TreeSet<>(standIns.keySet());
    unknown.removeAll(variables.keySet());
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(logicalId + " sets no variable " + unknown + " in template.yaml; it sets "
          + new TreeSet<>(variables.keySet()));
    }
    Map<String, String> env = new LinkedHashMap<>();
    TreeSet<String> missing = new TreeSet<>();
    variables.values().forEach(v -> {
      if (standIns.containsKey(v.name())) {
        env.put(v.name(), standIns.get(v.name()));
      } else if (v.isLiteral()) {
        env.put(v.name(), v.literal());
      } else {
        missing.add(v.name() + " (" + v.expression() + ")");
      }
    });
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(logicalId + ": give a local stand-in for " + missing);
    }
    return env;
  }

  private static Variable variable(String name, Node value) {
    if (value instanceof ScalarNode s && isPlain(s.getTag())) {
      return new Variable(name, s.getValue(), null);
    }
    String shown = value instanceof ScalarNode s ? s.getValue() : value.getNodeId().name();
    return new Variable(name, null, value.getTag().getValue() + " " + shown);
  }

  private static boolean isPlain(Tag tag) {
    return tag.equals(Tag.STR) || tag.equals(Tag.INT) || tag.equals(Tag.FLOAT) || tag.equals(Tag.BOOL);
  }

  private static Optional<String> inherited(MappingNode props, MappingNode globals, String key) {
    return scalar(props, key).or(() -> globals == null ? Optional.empty() : scalar(globals, key));
  }

  private static Optional<MappingNode> get(MappingNode map, String key) {
    return node(map, key).filter(MappingNode.class::isInstance).map(MappingNode.class::cast);
  }

  private static Optional<String> scalar(MappingNode map, String key) {
    return node(map, key).filter(n -> n instanceof ScalarNode s && isPlain(s.getTag()))
        .map(n -> ((ScalarNode) n).getValue());
  }

  private static Optional<Node> node(MappingNode map, String key) {
    for (NodeTuple t : map.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        return Optional.of(t.getValueNode());
      }
    }
    return Optional.empty();
  }
}
