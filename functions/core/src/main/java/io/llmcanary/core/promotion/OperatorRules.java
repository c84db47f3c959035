package io.llmcanary.core.promotion;

import java.util.List;
import java.util.Optional;

/**
 * Who may decide what (docs/architecture.md#security-and-trust-boundaries): the allow-list of operator principals for the rollout routes, and the optional
 * two-person rule (the principal who started a rollout cannot approve its stages).
 *
 * <p>An allow-list entry is an IAM principal ARN as IAM policies name it: a user
 * ({@code arn:aws:iam::123456789012:user/alice}), a role ({@code arn:aws:iam::123456789012:role/path/Operators}, which
 * admits every session of the role, as {@code aws:PrincipalArn} does), an STS session ARN, or any of these ending in
 * {@code *} as a prefix match. An empty list admits every caller the API's IAM auth lets through.
 *
 * @param operatorPrincipals    allow-list of the rollout routes; empty: no list
 * @param requireSeparateApprover the starter of a rollout cannot approve it
 */
public record OperatorRules(List<String> operatorPrincipals, boolean requireSeparateApprover) {

  public static final OperatorRules OPEN = new OperatorRules(List.of(), false);

  public OperatorRules {
    operatorPrincipals = operatorPrincipals == null ? List.of()
        : operatorPrincipals.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** Why this caller may not use the rollout routes, or empty when it may. */
  public Optional<String> refusal(Actor caller) {
    if (operatorPrincipals.isEmpty()) {
      return Optional.empty();
    }
    if (caller instanceof Actor.Principal p && operatorPrincipals.stream().anyMatch(e -> matches(e, p.name()))) {
      return Optional.empty();
    }
    return Optional.of(caller.name() + " is not one of this stack's operator principals (the OperatorPrincipals"
        + " parameter); ask an operator, or have the stack owner add your IAM user or role");
  }

  /**
   * Whether an allow-list entry names the caller. API Gateway reports an assumed role's caller as
   * {@code arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION}; a role entry {@code arn:aws:iam::ACCOUNT:role/[PATH/]NAME}
   * names every session of it (the role's path is not in the session ARN).
   */
  static boolean matches(String entry, String caller) {
    if (entry.endsWith("*")) { // a prefix, as ArnLike reads it: on the caller's ARN or its role's
      String prefix = entry.substring(0, entry.length() - 1);
      return caller.startsWith(prefix) || roleOf(caller).map(r -> r.startsWith(prefix)).orElse(false);
    }
    if (entry.equals(caller)) {
      return true;
    }
    String[] e = entry.split(":", 6);
    if (e.length < 6 || !e[2].equals("iam") || !e[5].startsWith("role/")) {
      return false;
    }
    String roleName = e[5].substring(e[5].lastIndexOf('/') + 1);
    return roleOf(caller).map(r -> r.equals(e[0] + ":" + e[1] + ":iam::" + e[4] + ":role/" + roleName)).orElse(false);
  }

  /** {@code arn:P:sts::A:assumed-role/NAME/SESSION} as {@code arn:P:iam::A:role/NAME}; empty for other ARNs. */
  static Optional<String> roleOf(String caller) {
    String[] c = caller.split(":", 6);
    if (c.length < 6 || !c[2].equals("sts") || !c[5].startsWith("assumed-role/")) {
      return Optional.empty();
    }
    String[] session = c[5].split("/", 3);
    return session.length == 3 ? Optional.of(c[0] + ":" + c[1] + ":iam::" + c[4] + ":role/" + session[1])
        : Optional.empty();
  }

  /**
   * The two-person rule on an approval: empty when it may go ahead. Both the approver and the starter must be
   * principals to be told apart; a rollout whose starter is not known as one cannot be approved under the rule.
   */
  public Optional<String> approvalRefusal(Actor approver, Actor starter) {
    if (!requireSeparateApprover) {
      return Optional.empty();
    }
    if (!approver.isPrincipal()) {
      return Optional.of("this stack requires a separate approver (RequireSeparateApprover) and " + approver.name()
          + " does not say who approves; approve through the rollout API, which signs with your IAM identity:"
          + " ./canaryctl approve ROLLOUT");
    }
    if (!starter.isPrincipal()) {
      return Optional.of("this stack requires a separate approver (RequireSeparateApprover), but the rollout was"
          + " started by " + starter.name() + ", not by a known principal; reject it and start it again through the"
          + " rollout API");
    }
    if (starter.name().equals(approver.name())) {
      return Optional.of("this stack requires a separate approver (RequireSeparateApprover): " + approver.name()
          + " started this rollout and cannot approve it; ask another operator to approve, or reject it");
    }
    return Optional.empty();
  }
}
