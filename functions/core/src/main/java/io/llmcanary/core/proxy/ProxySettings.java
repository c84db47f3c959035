package io.llmcanary.core.proxy;

import io.llmcanary.core.config.VersionSpec;
import java.time.Duration;

/**
 * The function's own settings (environment variables in Lambda), as opposed to the rollout config.
 *
 * @param modelTimeout           how long one model call may take
 * @param maxConfigAge           a config not confirmed for longer than this serves stable only; null: never
 * @param fallbackStable         the version served before any config was read; null: 503 instead
 * @param defaultApplication     the application name recorded without config
 * @param feedbackDedupe         unused since the feedback ledger (kept for the constructor's callers)
 * @param requestBudget          the whole time one {@code /chat} request may spend on model calls, the fallback to
 *                               stable included; below API Gateway's 30 s integration timeout so the client gets
 *                               our JSON 504, not the gateway's bare error
 * @param userIdentity           where the user comes from ({@code CANARY_USER_IDENTITY})
 * @param feedbackPerUserPerHour feedbacks one user may give per rollout per clock hour
 */
public record ProxySettings(Duration modelTimeout, Duration maxConfigAge, VersionSpec fallbackStable,
    String defaultApplication, int feedbackDedupe, Duration requestBudget, UserIdentity userIdentity,
    int feedbackPerUserPerHour) {

  public static final Duration DEFAULT_REQUEST_BUDGET = Duration.ofSeconds(28);
  public static final int DEFAULT_FEEDBACK_PER_USER_PER_HOUR = 20;

  public ProxySettings {
    if (requestBudget == null || requestBudget.isNegative() || requestBudget.isZero()) {
      throw new IllegalArgumentException("the request budget must be positive");
    }
    if (feedbackPerUserPerHour < 1) {
      throw new IllegalArgumentException("CANARY_FEEDBACK_PER_USER_PER_HOUR must be at least 1");
    }
    userIdentity = userIdentity == null ? UserIdentity.BODY : userIdentity;
  }

  /** Body identity, the default budget and feedback cap. */
  public ProxySettings(Duration modelTimeout, Duration maxConfigAge, VersionSpec fallbackStable,
      String defaultApplication, int feedbackDedupe) {
    this(modelTimeout, maxConfigAge, fallbackStable, defaultApplication, feedbackDedupe, DEFAULT_REQUEST_BUDGET,
        UserIdentity.BODY, DEFAULT_FEEDBACK_PER_USER_PER_HOUR);
  }

  public static ProxySettings defaults() {
    return new ProxySettings(Duration.ofSeconds(25), Duration.ofMinutes(15), null, null, 100_000);
  }

  public ProxySettings withFallbackStable(VersionSpec spec) {
    return new ProxySettings(modelTimeout, maxConfigAge, spec, defaultApplication, feedbackDedupe, requestBudget,
        userIdentity, feedbackPerUserPerHour);
  }

  public ProxySettings withModelTimeout(Duration timeout) {
    return new ProxySettings(timeout, maxConfigAge, fallbackStable, defaultApplication, feedbackDedupe, requestBudget,
        userIdentity, feedbackPerUserPerHour);
  }

  public ProxySettings withRequestBudget(Duration budget) {
    return new ProxySettings(modelTimeout, maxConfigAge, fallbackStable, defaultApplication, feedbackDedupe, budget,
        userIdentity, feedbackPerUserPerHour);
  }

  public ProxySettings withUserIdentity(UserIdentity mode) {
    return new ProxySettings(modelTimeout, maxConfigAge, fallbackStable, defaultApplication, feedbackDedupe,
        requestBudget, mode, feedbackPerUserPerHour);
  }

  public ProxySettings withFeedbackPerUserPerHour(int cap) {
    return new ProxySettings(modelTimeout, maxConfigAge, fallbackStable, defaultApplication, feedbackDedupe,
        requestBudget, userIdentity, cap);
  }
}
