package io.llmcanary.core.qualityjudge;

import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.ports.JudgeModel;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The offline stand-in for a judge model: deterministic, no model, so the demo, {@code serve} and tests run the
 * whole quality-judge loop. It ignores the rubric and scores an answer by how much of the user's last message it
 * takes up (the share of the question's words of four letters or more that the answer contains) and whether it is
 * long enough to be an answer at all. Crude by design: it measures the loop, not the answers.
 */
public final class HeuristicJudge implements JudgeModel {

  static final int MIN_ANSWER_CHARS = 20;

  @Override
  public double grade(String rubric, List<ChatMessage> conversation, String answer) {
    return score(conversation, answer) >= 0.5 ? 1.0 : 0.0;
  }

  @Override
  public Comparison compare(String rubric, List<ChatMessage> conversation, String first, String second) {
    double a = score(conversation, first);
    double b = score(conversation, second);
    if (Math.abs(a - b) < 0.05) {
      return Comparison.TIE;
    }
    return a > b ? Comparison.FIRST : Comparison.SECOND;
  }

  /** In [0, 1]: coverage of the question's words, times a length factor. */
  static double score(List<ChatMessage> conversation, String answer) {
    if (answer == null || answer.isBlank()) {
      return 0;
    }
    String question = "";
    for (ChatMessage m : conversation) {
      if ("user".equals(m.role())) {
        question = m.content();
      }
    }
    Set<String> words = words(question);
    String text = answer.toLowerCase(Locale.ROOT);
    double coverage = 1.0;
    if (!words.isEmpty()) {
      long hit = words.stream().filter(text::contains).count();
      coverage = (double) hit / words.size();
    }
    double length = Math.min(1.0, answer.strip().length() / (double) MIN_ANSWER_CHARS);
    return Math.min(1.0, 0.5 + coverage) * length;
  }

  private static Set<String> words(String s) {
    Set<String> out = new HashSet<>();
    for (String w : s.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (w.length() >= 4) {
        out.add(w);
      }
    }
    return out;
  }
}
