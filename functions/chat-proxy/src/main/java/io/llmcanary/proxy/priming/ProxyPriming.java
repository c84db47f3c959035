package io.llmcanary.proxy.priming;

import io.llmcanary.proxy.ChatProxyWiring;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.core.warmup.SdkWarmUp;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;

/**
 * The dry run before a SnapStart checkpoint (CRaC {@code beforeCheckpoint}), so the restored container has its
 * classes loaded and its code paths warm for the first real request. It never touches the function's own app,
 * config source, model clients or output: it builds throwaway ones.
 *
 * <ol>
 *   <li>The request path ({@link RequestPathDryRun}): a throwaway app on the config that ships in the jar and the
 *       offline model, {@code /chat} arriving as API Gateway events through the handler's own conversion, output
 *       discarded: parsing, validation, routing, quality checks, token signing and verification, EMF and log
 *       encoding, JSON writing, for {@code /chat} (text and JSON answers), {@code /feedback} and a malformed body.
 *   <li>The AppConfig agent path: {@link io.llmcanary.aws.appconfig.AppConfigAgentConfigSource}
 *       reading the shipped config from a loopback
 *       stub ({@link LoopbackStub}, answering {@link CannedAnswers}): URL connection, body read, JSON Schema and
 *       cross-field validation.
 *   <li>When the function has a model adapter wired: the adapter itself against the same stub
 *       ({@link AdapterDryRuns}: Bedrock Converse through a throwaway SDK client: marshalling, signing, the
 *       URLConnection HTTP client, unmarshalling; the OpenAI-compatible client likewise). Where the function's
 *       credentials can be had without leaving the sandbox (keys in the environment or system properties, or
 *       Lambda's container credentials endpoint, which is what a SnapStart function gets), the throwaway client
 *       resolves them through its own throwaway default chain, as the real client will on its first call after a
 *       restore (building that chain and the failed lookups before it are the first call's largest cold part
 *       otherwise); elsewhere it signs with static dummy credentials, so a test or a laptop never reaches for a
 *       profile file or instance metadata. The function's own provider is never asked: no credentials are cached
 *       in the snapshot.
 *   <li>When the function has the quality judge's queue ({@code CANARY_JUDGE_QUEUE_URL}): a dry SendMessage of a
 *       task with no user's text through a throwaway SQS client to the same stub. The function's queue and its
 *       own client are never used: priming sends nothing to the queue.
 *   <li>Inside Lambda with Bedrock wired: the SDK's own {@link SdkWarmUp} for the Bedrock client, which also warms
 *       TLS with one unsigned call to the region's STS endpoint. Outside Lambda (tests, benchmarks, local runs)
 *       it is skipped, so priming makes no call off this machine there.
 * </ol>
 *
 * No step sees a real user, prompt or answer, and nothing is written to the function's output; a step that fails
 * is reported (by its exception class) and the others still run, because a failed dry run must not fail the
 * snapshot.
 */
public final class ProxyPriming {

  /** How many times the request path is run: {@link Report#chatRequests()} when nothing failed. */
  public static final int REQUEST_PATH_ROUNDS = 50;

  /** What the dry run exercised; {@code failures} names the steps that threw, with the exception class. */
  public record Report(int chatRequests, int chatAnswered, int feedbackRecorded, boolean agentPath,
      boolean bedrockPath, String bedrockCredentials, boolean openAiPath, boolean judgeQueuePath, boolean sdkWarmUp,
      int stubRequests,
      List<String> failures) {}

  /** {@link Report#bedrockCredentials()} when the dry run signed with static dummy credentials. */
  public static final String STATIC_DUMMY_CREDENTIALS = "static dummy credentials";
  /** {@link Report#bedrockCredentials()} when a throwaway default chain resolved the function's credentials. */
  public static final String DEFAULT_CHAIN = "throwaway default chain";

  private ProxyPriming() {}

  /** The request path and the agent path only (no model adapter, no SDK warm-up). */
  public static Report prime() {
    return prime(Map.of(), () -> { });
  }

  /**
   * @param env       the function's environment: which model adapters are wired, whether this runs in Lambda
   * @param sdkWarmUp the SDK's warm-up ({@link #sdkWarmUp()} in Lambda); run only inside Lambda with Bedrock wired
   */
  public static Report prime(Map<String, String> env, Runnable sdkWarmUp) {
    List<String> failures = new ArrayList<>();
    RequestPathDryRun requestPath = new RequestPathDryRun();
    step(failures, "requestPath", () -> {
      requestPath.run();
      return true;
    });
    boolean bedrockWired = ChatProxyWiring.bedrockWired(env);
    // What the throwaway Bedrock client signs with; null when Bedrock is not wired.
    String credentials = !bedrockWired ? null
        : AdapterDryRuns.credentialsAnswerLocally(env) ? DEFAULT_CHAIN : STATIC_DUMMY_CREDENTIALS;
    boolean agent = false;
    boolean bedrock = false;
    boolean openAi = false;
    boolean judgeQueue = false;
    int stubRequests = 0;
    try (LoopbackStub stub = new LoopbackStub(CannedAnswers.byPathFragment())) {
      String url = stub.baseUrl();
      agent = step(failures, "agentPath", () -> AdapterDryRuns.agent(url));
      bedrock = bedrockWired
          && step(failures, "bedrockPath", () -> AdapterDryRuns.bedrock(env, url, DEFAULT_CHAIN.equals(credentials)));
      openAi = ChatProxyWiring.openAiWired(env) && step(failures, "openAiPath", () -> AdapterDryRuns.openAi(url));
      judgeQueue = ChatProxyWiring.judgeQueueWired(env) && bedrockWired
          && step(failures, "judgeQueuePath", () -> AdapterDryRuns.judgeQueue(env, url));
      stubRequests = stub.requests();
    } catch (IOException e) {
      failures.add("loopbackStub: " + e.getClass().getSimpleName());
    }
    boolean warmedSdk = bedrockWired && env.get("AWS_LAMBDA_FUNCTION_NAME") != null
        && step(failures, "sdkWarmUp", () -> {
          sdkWarmUp.run();
          return true;
        });
    return new Report(requestPath.chatRequests(), requestPath.chatAnswered(), requestPath.feedbackRecorded(), agent,
        bedrock, credentials, openAi, judgeQueue, warmedSdk, stubRequests, List.copyOf(failures));
  }

  /** The SDK's warm-up of the Bedrock Runtime client (sync path), as the SDK documents for SnapStart. */
  public static void sdkWarmUp() {
    SdkWarmUp.warmUp(BedrockRuntimeClient.class);
  }

  /** Runs one step; one that throws is named in {@code failures} by its exception class and counts as not run. */
  private static boolean step(List<String> failures, String name, BooleanSupplier step) {
    try {
      return step.getAsBoolean();
    } catch (RuntimeException e) {
      failures.add(name + ": " + e.getClass().getSimpleName());
      return false;
    }
  }
}
