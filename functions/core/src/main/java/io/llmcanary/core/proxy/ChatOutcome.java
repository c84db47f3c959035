package io.llmcanary.core.proxy;

/** What {@link ChatService} did with one request. */
public sealed interface ChatOutcome {

  RequestTrace trace();

  record Answered(ChatAnswer answer, RequestTrace trace) implements ChatOutcome {}

  record Refused(ApiError error, RequestTrace trace) implements ChatOutcome {}
}
