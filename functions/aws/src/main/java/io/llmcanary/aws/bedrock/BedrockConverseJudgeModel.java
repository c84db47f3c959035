package io.llmcanary.aws.bedrock;

import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.chat.ChatModelException;
import io.llmcanary.core.chat.ChatRequest;
import io.llmcanary.core.chat.ChatResult;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.ports.ChatModel;
import io.llmcanary.core.ports.JudgeModel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The quality judge's model through Bedrock Converse ({@code qualityJudge.model}, {@code qualityJudge.rubric}). The
 * rubric and the output contract go in the system prompt; the conversation and the answer(s) in one user message,
 * each inside its own tag. Temperature 0 and a few output tokens: the judge names a verdict, it does not explain.
 *
 * <p>Strict parsing. The whole answer must be exactly one JSON object of the contract, {@code {"verdict":"pass"}}
 * or {@code {"verdict":"fail"}} (absolute), {@code {"better":"A"}}, {@code {"better":"B"}} or
 * {@code {"better":"tie"}} (pairwise), whitespace aside. Anything else (prose around it, another key, a number, a
 * cut-off answer) is a {@link JudgeModel.JudgeModelException}: a counted judge error, never a score. Throttling and
 * timeouts keep the {@link ChatModelException} as the cause, so the caller can retry them.
 */
public final class BedrockConverseJudgeModel implements JudgeModel {

  static final Pattern VERDICT = Pattern.compile("\\A\\s*\\{\\s*\"verdict\"\\s*:\\s*\"(pass|fail)\"\\s*}\\s*\\z");
  static final Pattern BETTER = Pattern.compile("\\A\\s*\\{\\s*\"better\"\\s*:\\s*\"(A|B|tie)\"\\s*}\\s*\\z");
  static final int MAX_TOKENS = 20;

  static final String ABSOLUTE_CONTRACT = """
      You grade one answer of an AI assistant against the rubric below. Reply with exactly one JSON object and \
      nothing else: {"verdict":"pass"} if the answer meets the rubric, {"verdict":"fail"} if it does not.""";
  static final String PAIRWISE_CONTRACT = """
      You compare two answers, A and B, of AI assistants to the same conversation, against the rubric below. Reply \
      with exactly one JSON object and nothing else: {"better":"A"}, {"better":"B"}, or {"better":"tie"} when \
      neither is better.""";

  private final ChatModel converse;
  private final String model;
  private final Duration timeout;

  /**
   * @param converse the Converse adapter, over the function's one Bedrock client
   * @param model    the judge model id
   * @param timeout  per judge call
   */
  public BedrockConverseJudgeModel(ChatModel converse, String model, Duration timeout) {
    this.converse = Objects.requireNonNull(converse, "converse");
    this.model = Objects.requireNonNull(model, "model");
    this.timeout = timeout;
  }

  @Override
  public double grade(String rubric, List<ChatMessage> conversation, String answer) {
    String text = ask(ABSOLUTE_CONTRACT, rubric, transcript(conversation) + "\n<answer>\n" + answer + "\n</answer>");
    Matcher m = VERDICT.matcher(text);
    if (!m.matches()) {
      throw new JudgeModelException("malformed grade (" + text.length() + " characters)");
    }
    return "pass".equals(m.group(1)) ? 1.0 : 0.0;
  }

  @Override
  public Comparison compare(String rubric, List<ChatMessage> conversation, String first, String second) {
    String text = ask(PAIRWISE_CONTRACT, rubric, transcript(conversation) + "\n<answer_A>\n" + first
        + "\n</answer_A>\n<answer_B>\n" + second + "\n</answer_B>");
    Matcher m = BETTER.matcher(text);
    if (!m.matches()) {
      throw new JudgeModelException("malformed comparison (" + text.length() + " characters)");
    }
    return switch (m.group(1)) {
      case "A" -> Comparison.FIRST;
      case "B" -> Comparison.SECOND;
      default -> Comparison.TIE;
    };
  }

  private String ask(String contract, String rubric, String content) {
    VersionSpec judge = new VersionSpec(model, BedrockConverseChatModel.PROVIDER,
        contract + "\n\n<rubric>\n" + rubric + "\n</rubric>", List.of(), 0.0, MAX_TOKENS);
    ChatResult r;
    try {
      r = converse.complete(new ChatRequest(judge, List.of(new ChatMessage("user", content)), false, timeout));
    } catch (ChatModelException e) {
      throw new JudgeModelException("judge model " + e.kind().name().toLowerCase(java.util.Locale.ROOT), e);
    }
    if (!"stop".equals(r.finishReason())) {
      throw new JudgeModelException("judge answer ended with " + r.finishReason());
    }
    return r.text() == null ? "" : r.text();
  }

  /** The conversation as the judge reads it; the message text is the user's, so every turn is tagged. */
  static String transcript(List<ChatMessage> conversation) {
    StringBuilder b = new StringBuilder("<conversation>\n");
    for (ChatMessage m : conversation) {
      b.append('<').append(m.role()).append(">\n").append(m.content()).append("\n</").append(m.role()).append(">\n");
    }
    return b.append("</conversation>").toString();
  }
}
