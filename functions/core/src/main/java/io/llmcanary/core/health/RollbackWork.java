package io.llmcanary.core.health;

import io.llmcanary.core.ports.Alert;

/**
 * What a rollback still owes after its state was set to ROLLED_BACK: the AppConfig change (step 2), the alert
 * (step 3) and the failure of the workflow's waiting approval task (step 4; its token stays in
 * {@code RolloutState.taskToken} until done). Kept durably in {@code RolloutState.pendingAlert}, written in the
 * same conditional write as the ROLLED_BACK transition, so a crash between steps loses nothing: the next run
 * reads it back and resumes.
 *
 * <p>The text form is a few header lines and the alert body, readable in the DynamoDB console. A pending alert
 * in any other form (written by another function) is read as a plain alert still to be delivered.
 */
public record RollbackWork(boolean configPending, boolean alertPending, boolean taskPending, int taskAttempts,
    Alert alert) {

  static final String MAGIC = "#llm-canary pending-work v1";

  public boolean done() {
    return !configPending && !alertPending && !taskPending;
  }

  public RollbackWork configDone() {
    return new RollbackWork(false, alertPending, taskPending, taskAttempts, alert);
  }

  public RollbackWork alertSent() {
    return new RollbackWork(configPending, false, taskPending, taskAttempts, alert);
  }

  public RollbackWork taskDone() {
    return new RollbackWork(configPending, alertPending, false, taskAttempts, alert);
  }

  public RollbackWork taskFailedOnce() {
    return new RollbackWork(configPending, alertPending, taskPending, taskAttempts + 1, alert);
  }

  /** The text kept in {@code pendingAlert}, or null when nothing is owed. */
  public String encode() {
    if (done()) {
      return null;
    }
    StringBuilder b = new StringBuilder(MAGIC).append('\n');
    b.append("config: ").append(configPending ? "pending" : "done").append('\n');
    b.append("alert: ").append(alertPending ? "pending" : "sent").append('\n');
    b.append("task: ").append(taskPending ? "pending" : "done").append(' ').append(taskAttempts).append('\n');
    if (alert != null) {
      b.append("kind: ").append(alert.kind()).append('\n');
      b.append("application: ").append(oneLine(alert.application())).append('\n');
      b.append("rollout: ").append(oneLine(alert.rolloutId())).append('\n');
      b.append("subject: ").append(oneLine(alert.subject())).append('\n');
      b.append('\n').append(alert.body() == null ? "" : alert.body());
    }
    return b.toString();
  }

  /**
   * Reads {@code pendingAlert} back. Null gives null. Text not in this form is an alert someone else left
   * pending: deliver it as it is, under a subject naming the rollout.
   */
  public static RollbackWork decode(String text, String application, String rolloutId) {
    if (text == null) {
      return null;
    }
    if (!text.startsWith(MAGIC + "\n")) {
      // The promotion's form: kind, subject and body on the first two lines and the rest.
      String[] parts = text.split("\n", 3);
      if (parts.length == 3) {
        try {
          return new RollbackWork(false, true, false, 0,
              new Alert(Alert.Kind.valueOf(parts[0]), application, rolloutId, parts[1], parts[2]));
        } catch (IllegalArgumentException notThatForm) {
          // fall through: plain text
        }
      }
      return new RollbackWork(false, true, false, 0,
          new Alert(Alert.Kind.ROLLBACK, application, rolloutId, "llm-canary alert for " + application + "/"
              + rolloutId, text));
    }
    int bodyAt = text.indexOf("\n\n");
    String head = bodyAt < 0 ? text : text.substring(0, bodyAt);
    String body = bodyAt < 0 ? "" : text.substring(bodyAt + 2);
    boolean config = false;
    boolean alert = false;
    boolean task = false;
    int attempts = 0;
    Alert.Kind kind = Alert.Kind.ROLLBACK;
    String app = application;
    String rollout = rolloutId;
    String subject = null;
    for (String line : head.split("\n")) {
      int colon = line.indexOf(": ");
      if (colon < 0) {
        continue;
      }
      String k = line.substring(0, colon);
      String v = line.substring(colon + 2);
      switch (k) {
        case "config" -> config = v.equals("pending");
        case "alert" -> alert = v.equals("pending");
        case "task" -> {
          String[] p = v.split(" ");
          task = p[0].equals("pending");
          attempts = p.length > 1 ? parseInt(p[1]) : 0;
        }
        case "kind" -> kind = kind(v);
        case "application" -> app = v;
        case "rollout" -> rollout = v;
        case "subject" -> subject = v;
        default -> { }
      }
    }
    Alert a = subject == null ? null : new Alert(kind, app, rollout, subject, body);
    return new RollbackWork(config, alert && a != null, task, attempts, a);
  }

  private static Alert.Kind kind(String v) {
    try {
      return Alert.Kind.valueOf(v);
    } catch (IllegalArgumentException e) {
      return Alert.Kind.ROLLBACK;
    }
  }

  private static int parseInt(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
  }
}
