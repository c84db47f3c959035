package io.llmcanary.aws.appconfig;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.llmcanary.codec.RolloutConfigCodec;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.ports.ConfigPublisher.Speed;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.appconfig.AppConfigClient;

/**
 * The AppConfig write path on the wire (REST-JSON), where no free emulator implements environments and
 * deployments. Paths, headers and bodies follow the AppConfig API reference: CreateHostedConfigurationVersion
 * (POST .../hostedconfigurationversions, raw content, Content-Type/Description/Latest-Version-Number headers,
 * 201 with Version-Number), ListHostedConfigurationVersions, GetHostedConfigurationVersion, ListDeployments
 * (descending deployment number), GetDeployment, StopDeployment (DELETE, Allow-Revert header, 202),
 * StartDeployment (POST, 201) and ConflictException (409).
 */
class AppConfigConfigPublisherContractTest {

  static final String APP = "/applications/app1234";
  static final String HOSTED = APP + "/configurationprofiles/prof123/hostedconfigurationversions";
  static final String DEPLOYMENTS = APP + "/environments/env1234/deployments";
  static final ObjectMapper JSON = new ObjectMapper();
  static WireMockServer wm;
  static AppConfigClient client;
  static RolloutConfig config;

  final List<Duration> sleeps = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    wm = new WireMockServer(wireMockConfig().dynamicPort());
    wm.start();
    client = AppConfigClient.builder().endpointOverride(URI.create(wm.baseUrl())).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    Path example = Path.of(System.getProperty("canary.root", "../.."), "infrastructure/appconfig/rollout-config.example.json");
    config = RolloutConfigCodec.parseOrThrow(Files.readString(example));
  }

  @AfterAll
  static void stop() {
    client.close();
    wm.stop();
  }

  @BeforeEach
  void reset() {
    wm.resetAll();
  }

  AppConfigConfigPublisher publisher(int attempts) {
    return new AppConfigConfigPublisher(client, new AppConfigConfigPublisher.Target("app1234", "env1234", "prof123",
        "plan123", "imm1234"), attempts, Duration.ofSeconds(1), sleeps::add);
  }

  static void hostedVersions(int... numbers) {
    StringBuilder items = new StringBuilder();
    for (int n : numbers) {
      items.append(items.isEmpty() ? "" : ",").append("{\"ApplicationId\":\"app1234\",\"ConfigurationProfileId\":"
          + "\"prof123\",\"VersionNumber\":").append(n).append(",\"ContentType\":\"application/json\"}");
    }
    wm.stubFor(get(urlPathEqualTo(HOSTED)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"Items\":[" + items + "]}")));
  }

  static void hostedContent(int number, String content) {
    wm.stubFor(get(urlEqualTo(HOSTED + "/" + number)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withHeader("Application-Id", "app1234")
        .withHeader("Configuration-Profile-Id", "prof123").withHeader("Version-Number", String.valueOf(number))
        .withBody(content)));
  }

  static void created(int number) {
    wm.stubFor(post(urlEqualTo(HOSTED)).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withHeader("Application-Id", "app1234")
        .withHeader("Configuration-Profile-Id", "prof123").withHeader("Version-Number", String.valueOf(number))
        .withBody("{}")));
  }

  static String deployment(int number, String version, String state, String strategy) {
    return "{\"ApplicationId\":\"app1234\",\"EnvironmentId\":\"env1234\",\"DeploymentStrategyId\":\"" + strategy
        + "\",\"ConfigurationProfileId\":\"prof123\",\"DeploymentNumber\":" + number + ",\"ConfigurationName\":"
        + "\"rollout\",\"ConfigurationVersion\":\"" + version + "\",\"DeploymentDurationInMinutes\":0,"
        + "\"GrowthType\":\"LINEAR\",\"GrowthFactor\":100.0,\"FinalBakeTimeInMinutes\":0,\"State\":\"" + state
        + "\",\"PercentageComplete\":0.0,\"StartedAt\":\"2026-11-26T15:00:00Z\"}";
  }

  static void deployments(String... items) {
    wm.stubFor(get(urlPathEqualTo(DEPLOYMENTS)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"Items\":[" + String.join(",", items) + "]}")));
  }

  static void started() {
    wm.stubFor(post(urlEqualTo(DEPLOYMENTS)).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody(deployment(9, "4", "DEPLOYING", "imm1234"))));
  }

  static String conflictBody() {
    return "{\"Message\":\"Deployment number 8 is already in progress in environment env1234\"}";
  }

  @Test
  void immediatePublishStopsTheRunningDeploymentThenDeploysWithTheImmediateStrategy() throws Exception {
    hostedVersions(3);
    hostedContent(3, RolloutConfigCodec.write(config));
    created(4);
    deployments(deployment(8, "3", "DEPLOYING", "plan123"), deployment(7, "2", "COMPLETE", "plan123"));
    wm.stubFor(delete(urlEqualTo(DEPLOYMENTS + "/8")).willReturn(aResponse().withStatus(202)
        .withHeader("Content-Type", "application/json").withBody(deployment(8, "3", "ROLLED_BACK", "plan123"))));
    started();

    publisher(3).publish(config.withCanaryPercent(0), Speed.IMMEDIATE, "roll back r-1");

    LoggedRequest create = wm.findAll(postRequestedFor(urlEqualTo(HOSTED))).get(0);
    assertThat(create.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(create.getHeader("Description")).isEqualTo("roll back r-1");
    assertThat(create.getHeader("Latest-Version-Number")).isEqualTo("3");
    RolloutConfig stored = RolloutConfigCodec.parseOrThrow(new String(create.getBody(), StandardCharsets.UTF_8));
    assertThat(stored.canaryPercent()).isZero();
    assertThat(stored.rolloutId()).isEqualTo(config.rolloutId());

    wm.verify(1, deleteRequestedFor(urlEqualTo(DEPLOYMENTS + "/8")));
    wm.verify(0, deleteRequestedFor(urlEqualTo(DEPLOYMENTS + "/7")));
    LoggedRequest start = wm.findAll(postRequestedFor(urlEqualTo(DEPLOYMENTS))).get(0);
    JsonNode body = JSON.readTree(start.getBody());
    assertThat(body.get("ConfigurationProfileId").asText()).isEqualTo("prof123");
    assertThat(body.get("ConfigurationVersion").asText()).isEqualTo("4");
    assertThat(body.get("DeploymentStrategyId").asText()).isEqualTo("imm1234");
    assertThat(sleeps).isEmpty();
  }

  @Test
  void aBakingDeploymentIsStoppedWithAllowRevert() {
    hostedVersions(3);
    hostedContent(3, "{}");
    created(4);
    deployments(deployment(8, "3", "BAKING", "plan123"));
    wm.stubFor(delete(urlEqualTo(DEPLOYMENTS + "/8")).withHeader("Allow-Revert", equalTo("true"))
        .atPriority(1).willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json")
            .withBody(deployment(8, "3", "ROLLED_BACK", "plan123"))));
    wm.stubFor(delete(urlEqualTo(DEPLOYMENTS + "/8")).atPriority(5).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json").withHeader("x-amzn-ErrorType", "BadRequestException")
        .withBody("{\"Message\":\"Deployment 8 is not in DEPLOYING state\"}")));
    started();

    publisher(3).publish(config.withCanaryPercent(0), Speed.IMMEDIATE, "roll back");

    List<LoggedRequest> stops = wm.findAll(deleteRequestedFor(urlEqualTo(DEPLOYMENTS + "/8")));
    assertThat(stops).hasSize(2);
    assertThat(stops.get(0).containsHeader("Allow-Revert")).isFalse();
    assertThat(stops.get(1).getHeader("Allow-Revert")).isEqualTo("true");
    wm.verify(1, postRequestedFor(urlEqualTo(DEPLOYMENTS)));
  }

  @Test
  void conflictExceptionIsRetriedWithBackoff() {
    hostedVersions(3);
    hostedContent(3, "{}");
    created(4);
    deployments();
    wm.stubFor(post(urlEqualTo(DEPLOYMENTS)).inScenario("conflict").whenScenarioStateIs(STARTED)
        .willReturn(aResponse().withStatus(409).withHeader("Content-Type", "application/json")
            .withHeader("x-amzn-ErrorType", "ConflictException").withBody(conflictBody()))
        .willSetStateTo("free"));
    wm.stubFor(post(urlEqualTo(DEPLOYMENTS)).inScenario("conflict").whenScenarioStateIs("free")
        .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
            .withBody(deployment(9, "4", "DEPLOYING", "plan123"))));

    publisher(3).publish(config.withCanaryPercent(25), Speed.PLANNED, "stage 2");

    wm.verify(2, postRequestedFor(urlEqualTo(DEPLOYMENTS)));
    wm.verify(0, deleteRequestedFor(urlPathEqualTo(DEPLOYMENTS + "/8")));
    assertThat(sleeps).containsExactly(Duration.ofSeconds(1));
    JsonNode body = readJson(wm.findAll(postRequestedFor(urlEqualTo(DEPLOYMENTS))).get(1).getBody());
    assertThat(body.get("DeploymentStrategyId").asText()).isEqualTo("plan123");
  }

  @Test
  void aConflictThatLastsFailsAfterBoundedAttempts() {
    hostedVersions(3);
    hostedContent(3, "{}");
    created(4);
    deployments();
    wm.stubFor(post(urlEqualTo(DEPLOYMENTS)).willReturn(aResponse().withStatus(409)
        .withHeader("Content-Type", "application/json").withHeader("x-amzn-ErrorType", "ConflictException")
        .withBody(conflictBody())));

    assertThatThrownBy(() -> publisher(3).publish(config.withCanaryPercent(0), Speed.IMMEDIATE, "roll back"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("after 3 attempts")
        .hasMessageContaining("already in progress");
    wm.verify(3, postRequestedFor(urlEqualTo(DEPLOYMENTS)));
    assertThat(sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  @Test
  void publishingWhatIsAlreadyDeployedDoesNothing() {
    String content = RolloutConfigCodec.write(config.withCanaryPercent(0));
    hostedVersions(4, 3);
    hostedContent(4, content);
    deployments(deployment(9, "4", "COMPLETE", "imm1234"));

    publisher(3).publish(config.withCanaryPercent(0), Speed.IMMEDIATE, "roll back again");

    wm.verify(0, postRequestedFor(urlEqualTo(HOSTED)));
    wm.verify(0, postRequestedFor(urlEqualTo(DEPLOYMENTS)));
  }

  @Test
  void aVersionCreatedButNeverDeployedIsDeployedWithoutAnotherVersion() {
    String content = RolloutConfigCodec.write(config.withCanaryPercent(0));
    hostedVersions(4);
    hostedContent(4, content);
    deployments(deployment(8, "3", "COMPLETE", "plan123"));
    started();

    publisher(3).publish(config.withCanaryPercent(0), Speed.IMMEDIATE, "resume");

    wm.verify(0, postRequestedFor(urlEqualTo(HOSTED)));
    JsonNode body = readJson(wm.findAll(postRequestedFor(urlEqualTo(DEPLOYMENTS))).get(0).getBody());
    assertThat(body.get("ConfigurationVersion").asText()).isEqualTo("4");
  }

  @Test
  void anImmediateDeploymentAlreadyRunningIsLeftToFinish() {
    String content = RolloutConfigCodec.write(config.withCanaryPercent(0));
    hostedVersions(4);
    hostedContent(4, content);
    deployments(deployment(9, "4", "DEPLOYING", "imm1234"));
    wm.stubFor(get(urlEqualTo(DEPLOYMENTS + "/9")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody(deployment(9, "4", "DEPLOYING", "imm1234"))));

    publisher(3).publish(config.withCanaryPercent(0), Speed.IMMEDIATE, "resume");

    wm.verify(1, getRequestedFor(urlEqualTo(DEPLOYMENTS + "/9")));
    wm.verify(0, deleteRequestedFor(urlPathEqualTo(DEPLOYMENTS + "/9")));
    wm.verify(0, postRequestedFor(urlEqualTo(DEPLOYMENTS)));
  }

  @Test
  void deployedConfigIsTheNewestDeploymentNotTheHighestHostedVersion() {
    hostedVersions(2, 5, 3);
    hostedContent(5, RolloutConfigCodec.write(config.withCanaryPercent(25)));
    hostedContent(3, RolloutConfigCodec.write(config.withCanaryPercent(0)));
    // Version 5 was created but never deployed; the newest deployment that stands delivers version 3.
    deployments(deployment(9, "3", "COMPLETE", "imm1234"), deployment(8, "2", "COMPLETE", "plan123"));

    RolloutConfig c = publisher(1).deployedConfig();

    assertThat(c.canaryPercent()).isEqualTo(0.0);
    wm.verify(1, getRequestedFor(urlEqualTo(HOSTED + "/3")));
    wm.verify(0, getRequestedFor(urlEqualTo(HOSTED + "/5")));
  }

  @Test
  void aRunningDeploymentCountsAsDeployedAndARolledBackOneDoesNot() {
    hostedContent(5, RolloutConfigCodec.write(config.withCanaryPercent(25)));
    hostedContent(4, RolloutConfigCodec.write(config.withCanaryPercent(50)));
    hostedContent(3, RolloutConfigCodec.write(config.withCanaryPercent(5)));
    deployments(deployment(10, "5", "DEPLOYING", "plan123"), deployment(9, "3", "COMPLETE", "plan123"));
    assertThat(publisher(1).deployedConfig().canaryPercent()).isEqualTo(25.0);

    deployments(deployment(10, "4", "ROLLED_BACK", "plan123"), deployment(9, "3", "COMPLETE", "plan123"));
    assertThat(publisher(1).deployedConfig().canaryPercent()).isEqualTo(5.0);
  }

  @Test
  void noDeploymentMeansNoConfig() {
    hostedVersions(1);
    deployments();
    assertThat(publisher(1).deployedConfig()).isNull();
  }

  private static JsonNode readJson(byte[] b) {
    try {
      return JSON.readTree(b);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
