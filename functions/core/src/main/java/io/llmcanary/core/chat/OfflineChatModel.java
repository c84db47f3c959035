package io.llmcanary.core.chat;

import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.ports.ChatModel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deterministic stand-in for an LLM, for local runs and tests: the answer, its token counts and its failures
 * are pure functions of the version (model id, system prompt, few-shot turns, maxTokens) and the messages. The
 * same request always gets the same answer; another system prompt gets another.
 *
 * <p>The model id may carry behaviour, so a canary can be made measurably different from stable:
 * {@code offline?verbosity=2&refusalRate=0.1&errorRate=0.05&timeoutRate=0.01&invalidJsonRate=0.2&latencyMs=20}.
 * Each rate is drawn from the request's hash, so the same request fails the same way every time. A system prompt
 * containing "concise" halves the answer length. Tokens are counted as one per four characters of input.
 */
public final class OfflineChatModel implements ChatModel {

  public static final String PROVIDER = "offline";

  private static final List<String> WORDS = List.of(
      "the", "canary", "answer", "helps", "with", "your", "question", "about", "rollouts", "model", "prompt",
      "stable", "version", "quality", "latency", "users", "safely", "change", "deploy", "check", "metrics",
      "explains", "briefly", "because", "each", "request", "gets", "a", "clear", "reply", "and", "more");

  private final Map<String, Params> params = new java.util.concurrent.ConcurrentHashMap<>();

  @Override
  public ChatResult complete(ChatRequest request) throws ChatModelException {
    VersionSpec v = request.version();
    Params p = params.computeIfAbsent(v.model(), Params::parse);
    long inputChars = v.systemPrompt() == null ? 0 : v.systemPrompt().length();
    StringBuilder key = new StringBuilder(256).append(v.model()).append('\u0000').append(v.systemPrompt());
    for (VersionSpec.ChatTurn t : v.fewShot()) {
      inputChars += t.content().length();
      key.append('\u0000').append(t.role()).append(':').append(t.content());
    }
    for (ChatMessage m : request.messages()) {
      inputChars += m.content().length();
      key.append('\u0001').append(m.role()).append(':').append(m.content());
    }
    byte[] h = sha256(key.toString());
    long inputTokens = Math.max(1, (inputChars + 3) / 4);

    if (p.latencyMs > 0) {
      if (request.timeout() != null && p.latencyMs > request.timeout().toMillis()) {
        throw new ChatModelException(ChatModelException.Kind.TIMEOUT, "offline model: simulated latency over the timeout");
      }
      sleep(p.latencyMs);
    }
    if (draw(h, 0) < p.errorRate) {
      throw new ChatModelException(ChatModelException.Kind.ERROR, "offline model: simulated model error");
    }
    if (draw(h, 1) < p.timeoutRate) {
      throw new ChatModelException(ChatModelException.Kind.TIMEOUT, "offline model: simulated timeout");
    }
    if (draw(h, 2) < p.refusalRate) {
      String text = "I'm sorry, but I can't help with that request.";
      return new ChatResult(text, inputTokens, (text.length() + 3) / 4, "stop");
    }
    double concise = v.systemPrompt() != null && v.systemPrompt().toLowerCase(Locale.ROOT).contains("concise") ? 0.5 : 1.0;
    long wanted = Math.max(4, Math.round((40 + (h[3] & 0xFF) % 120) * p.verbosity * concise));
    boolean cut = wanted > v.maxTokens();
    long outputTokens = Math.min(wanted, v.maxTokens());
    String words = words(h, (int) Math.max(1, outputTokens * 4 / 6));
    String text;
    if (request.jsonResponse() && !cut) {
      text = "{\"answer\":\"" + words + "\",\"model\":\"" + v.model().replace("\"", "") + "\"}";
      if (draw(h, 4) < p.invalidJsonRate) {
        text = text.substring(0, text.length() - 1);
      }
    } else {
      text = words;
    }
    return new ChatResult(text, inputTokens, outputTokens, cut ? "max_tokens" : "stop");
  }

  private static String words(byte[] h, int count) {
    StringBuilder b = new StringBuilder(count * 7);
    long state = 0;
    for (int i = 0; i < 8; i++) {
      state = (state << 8) | (h[8 + i] & 0xFF);
    }
    for (int i = 0; i < count; i++) {
      state = state * 6364136223846793005L + 1442695040888963407L; // LCG: deterministic, cheap
      if (i > 0) {
        b.append(' ');
      }
      b.append(WORDS.get((int) ((state >>> 33) % WORDS.size())));
    }
    return b.append('.').toString();
  }

  /** A uniform draw in [0, 1) from two bytes of the hash, one pair per purpose. */
  private static double draw(byte[] h, int purpose) {
    int i = 16 + 2 * purpose;
    return (((h[i] & 0xFF) << 8) | (h[i + 1] & 0xFF)) / 65536.0;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChatModelException(ChatModelException.Kind.TIMEOUT, "offline model: interrupted");
    }
  }

  /** Behaviour parsed from the model id's query part. */
  record Params(double verbosity, double refusalRate, double errorRate, double timeoutRate, double invalidJsonRate,
      long latencyMs) {

    static Params parse(String model) {
      Map<String, String> q = new HashMap<>();
      int at = model.indexOf('?');
      if (at >= 0) {
        for (String pair : model.substring(at + 1).split("&")) {
          int eq = pair.indexOf('=');
          if (eq > 0) {
            q.put(pair.substring(0, eq), pair.substring(eq + 1));
          }
        }
      }
      return new Params(num(q, "verbosity", 1.0), num(q, "refusalRate", 0), num(q, "errorRate", 0),
          num(q, "timeoutRate", 0), num(q, "invalidJsonRate", 0), (long) num(q, "latencyMs", 0));
    }

    private static double num(Map<String, String> q, String name, double dflt) {
      String v = q.get(name);
      if (v == null) {
        return dflt;
      }
      try {
        return Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("offline model parameter " + name + " is not a number: " + v, e);
      }
    }
  }
}
