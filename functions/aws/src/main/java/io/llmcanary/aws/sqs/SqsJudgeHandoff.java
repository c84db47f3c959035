package io.llmcanary.aws.sqs;

import io.llmcanary.codec.JudgeTaskCodec;
import io.llmcanary.core.ports.JudgeHandoff;
import io.llmcanary.core.qualityjudge.JudgeTask;
import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * The proxy's hand-off to the {@code quality-judge} function: one SendMessage per sampled answer to the judge's queue
 * (encrypted with the stack key, retention at most a day, in the template). Bounded: the call has its own API
 * timeout (default 100 ms) and the caller's client should have no retries, so a slow or unreachable queue costs a
 * sampled request at most that much and an unsampled one nothing; any failure is a {@link HandoffFailedException},
 * which the proxy counts and drops. The body holds the conversation and the answer; no message is logged, and the
 * exception names no text.
 */
public final class SqsJudgeHandoff implements JudgeHandoff {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(100);

  private final SqsClient sqs;
  private final String queueUrl;
  private final Duration timeout;

  public SqsJudgeHandoff(SqsClient sqs, String queueUrl, Duration timeout) {
    this.sqs = Objects.requireNonNull(sqs, "sqs");
    this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
    this.timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
  }

  @Override
  public void handOff(JudgeTask task) {
    SendMessageRequest request = SendMessageRequest.builder()
        .queueUrl(queueUrl)
        .messageBody(JudgeTaskCodec.write(task))
        .messageAttributes(java.util.Map.of(
            "rolloutId", MessageAttributeValue.builder().dataType("String").stringValue(task.rolloutId()).build(),
            "version", MessageAttributeValue.builder().dataType("String").stringValue(task.version().wireName()).build()))
        .overrideConfiguration(o -> o.apiCallTimeout(timeout))
        .build();
    try {
      sqs.sendMessage(request);
    } catch (SdkException e) {
      throw new HandoffFailedException("SendMessage failed: " + e.getClass().getSimpleName());
    }
  }

  /** The hand-off did not reach the queue. */
  public static final class HandoffFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HandoffFailedException(String message) {
      super(message);
    }
  }
}
