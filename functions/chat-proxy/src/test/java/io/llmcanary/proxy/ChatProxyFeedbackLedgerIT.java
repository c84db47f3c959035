package io.llmcanary.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.aws.dynamodb.DynamoDbFeedbackLedger;
import io.llmcanary.testing.AppConfigAgentStub;
import io.llmcanary.testing.AwsEndpoint;
import io.llmcanary.testing.AwsIntegrationTest;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Two chat-proxy containers wired from their environment as the template wires them (CANARY_FEEDBACK_TABLE, IAM
 * identity), sharing the emulated ledger table: a feedback token counts once across both, only for its user.
 */
@AwsIntegrationTest
class ChatProxyFeedbackLedgerIT {

  static final String BOB = "{\"iam\":{\"userArn\":\"arn:aws:iam::123456789012:user/bob\"}}";
  static final String EVE = "{\"iam\":{\"userArn\":\"arn:aws:iam::123456789012:user/eve\"}}";

  private static AwsEndpoint aws;
  private static DynamoDbClient dynamo;
  private static AppConfigAgentStub agent;
  private static String table;

  @BeforeAll
  static void start(AwsEndpoint endpoint) {
    aws = endpoint;
    dynamo = endpoint.client(DynamoDbClient.builder());
    table = "feedback-ledger-" + UUID.randomUUID();
    DynamoDbFeedbackLedger.createTable(dynamo, table);
    agent = AppConfigAgentStub.start("chat-app", "prod", "rollout",
        io.llmcanary.codec.RolloutConfigCodec.write(ChatProxyWiring.offlineRollout()));
  }

  @AfterAll
  static void stop() {
    dynamo.close();
    agent.close();
  }

  static ChatProxyHandler container() {
    Map<String, String> env = new HashMap<>();
    env.put("APPCONFIG_APPLICATION", "chat-app");
    env.put("APPCONFIG_ENVIRONMENT", "prod");
    env.put("APPCONFIG_PROFILE", "rollout");
    env.put("APPCONFIG_AGENT_URL", agent.uri().toString());
    env.put("CANARY_SECRET", TestProxy.LOCAL_DEV_SECRET);
    env.put("AWS_REGION", aws.region().id());
    env.put("CANARY_USER_IDENTITY", "iam");
    env.put("CANARY_FEEDBACK_TABLE", table);
    env.put("DYNAMODB_ENDPOINT_URL", aws.uri().toString());
    return new ChatProxyHandler(ChatProxyWiring.fromEnvironment(env, aws.credentials()));
  }

  static TestProxy.Reply invoke(ChatProxyHandler h, String event) throws Exception {
    return new TestProxy.Reply(h.handleRequest(ApiGatewayV2.readEvent(event), null));
  }

  @Test
  void aTokenCountsOnceAcrossContainersAndOnlyForItsUser() throws Exception {
    ChatProxyHandler a = container();
    ChatProxyHandler b = container();
    String chat = TestProxy.withRequestId(TestProxy.withAuthorizer(TestProxy.event("chat-valid"), BOB),
        "ledger-" + UUID.randomUUID());
    TestProxy.Reply answer = invoke(a, chat);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().has("version")).isFalse();
    String feedback = TestProxy.event("feedback-valid")
        .replace("{{feedbackToken}}", answer.json().path("feedbackToken").asText());

    TestProxy.Reply eve = invoke(b, TestProxy.withAuthorizer(feedback, EVE));
    assertThat(eve.status()).isEqualTo(403);
    assertThat(eve.json().at("/error/code").asText()).isEqualTo("feedback_token_other_user");

    assertThat(invoke(b, TestProxy.withAuthorizer(feedback, BOB)).status()).isEqualTo(200);
    TestProxy.Reply replay = invoke(a, TestProxy.withAuthorizer(feedback, BOB));
    assertThat(replay.status()).isEqualTo(409);
    assertThat(replay.json().at("/error/code").asText()).isEqualTo("duplicate_feedback");
  }
}
