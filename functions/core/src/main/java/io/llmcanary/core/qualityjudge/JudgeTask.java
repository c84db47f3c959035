package io.llmcanary.core.qualityjudge;

import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.config.QualityJudgeConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.config.VersionSpec;
import java.util.List;

/**
 * What the proxy hands to the quality judge for one sampled answer: the ids, the version, the conversation and the
 * answer. It is the one place prompts and answers leave the proxy (encrypted in transit and at rest, kept at most a
 * day, never logged): {@link #toString()} names only the ids, so no log line can carry the text by accident.
 *
 * @param stable the stable version's spec, which pairwise mode asks for a shadow answer to the same conversation
 */
public record JudgeTask(String requestId, String application, String rolloutId, Variant version,
    QualityJudgeConfig judge, List<ChatMessage> messages, String answer, VersionSpec stable) {

  public JudgeTask {
    messages = List.copyOf(messages);
  }

  @Override
  public String toString() {
    return "JudgeTask[requestId=" + requestId + ", application=" + application + ", rolloutId=" + rolloutId
        + ", version=" + version.wireName() + ", mode=" + judge.mode() + "]";
  }
}
