package io.llmcanary.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.ports.Alert;
import org.junit.jupiter.api.Test;

class RollbackWorkTest {

  @Test
  void roundTrips() {
    Alert a = new Alert(Alert.Kind.ROLLBACK, "app", "r-1", "ROLLED BACK app/r-1: error_rate", "line 1\n\nline 3\n");
    RollbackWork w = new RollbackWork(true, false, true, 3, a);
    RollbackWork back = RollbackWork.decode(w.encode(), "x", "y");
    assertThat(back).isEqualTo(w);
  }

  @Test
  void nothingOwedIsNull() {
    Alert a = new Alert(Alert.Kind.ROLLBACK, "app", "r-1", "s", "b");
    assertThat(new RollbackWork(false, false, false, 0, a).encode()).isNull();
    assertThat(RollbackWork.decode(null, "a", "r")).isNull();
  }

  @Test
  void foreignTextIsAPlainPendingAlert() {
    RollbackWork w = RollbackWork.decode("please approve stage 2", "app", "r-1");
    assertThat(w.alertPending()).isTrue();
    assertThat(w.configPending()).isFalse();
    assertThat(w.alert().body()).isEqualTo("please approve stage 2");
    assertThat(w.alert().subject()).contains("app/r-1");
  }

  @Test
  void thePromotionsFormIsReadWithItsSubject() {
    RollbackWork w = RollbackWork.decode("APPROVAL_NEEDED\nApprove stage 2 of app/r-1\nbody\nmore", "app", "r-1");
    assertThat(w.alert().kind()).isEqualTo(Alert.Kind.APPROVAL_NEEDED);
    assertThat(w.alert().subject()).isEqualTo("Approve stage 2 of app/r-1");
    assertThat(w.alert().body()).isEqualTo("body\nmore");
  }

  @Test
  void workWithoutAnAlertKeepsOnlyTheTask() {
    RollbackWork w = new RollbackWork(false, false, true, 1, null);
    RollbackWork back = RollbackWork.decode(w.encode(), "app", "r-1");
    assertThat(back.taskPending()).isTrue();
    assertThat(back.alertPending()).isFalse();
    assertThat(back.taskAttempts()).isEqualTo(1);
  }
}
