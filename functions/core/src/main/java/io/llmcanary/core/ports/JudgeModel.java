package io.llmcanary.core.ports;

import io.llmcanary.core.chat.ChatMessage;
import java.util.List;

/**
 * A model that grades answers against a rubric (in AWS: a Bedrock Converse call; offline: the deterministic
 * {@code HeuristicJudge}). A grade the model did not give cleanly (malformed, out of range, refused, throttled,
 * timed out) is a {@link JudgeModelException}, counted as a judge error and never turned into a score.
 */
public interface JudgeModel {

  /** One answer graded alone: 1 passes the rubric, 0 fails it, or a grade in between. */
  double grade(String rubric, List<ChatMessage> conversation, String answer);

  /** Two answers to the same conversation, in the order given: which is better, or a tie. */
  Comparison compare(String rubric, List<ChatMessage> conversation, String first, String second);

  enum Comparison { FIRST, SECOND, TIE }

  /** The judge model failed to give a usable grade. */
  final class JudgeModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JudgeModelException(String message) {
      super(message);
    }

    public JudgeModelException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
