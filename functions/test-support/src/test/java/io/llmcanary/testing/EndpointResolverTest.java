package io.llmcanary.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.testing.EndpointResolver.Resolution;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointResolverTest {

  private final List<String> started = new ArrayList<>();

  @Test
  void aws_endpoint_url_wins_and_no_emulator_is_started() {
    Resolution r = resolve(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"), Map.of(),
        ok(AwsEndpoint.Source.MOTO), ok(AwsEndpoint.Source.LOCALSTACK));

    assertThat(r).isInstanceOfSatisfying(Resolution.Found.class, f -> {
      assertThat(f.endpoint().uri()).isEqualTo(URI.create("http://127.0.0.1:4566"));
      assertThat(f.endpoint().source()).isEqualTo(AwsEndpoint.Source.ENVIRONMENT);
    });
    assertThat(started).isEmpty();
  }

  @Test
  void moto_is_tried_before_localstack() {
    Resolution r = resolve(Map.of(), Map.of(), ok(AwsEndpoint.Source.MOTO), ok(AwsEndpoint.Source.LOCALSTACK));

    assertThat(r).isInstanceOfSatisfying(Resolution.Found.class,
        f -> assertThat(f.endpoint().source()).isEqualTo(AwsEndpoint.Source.MOTO));
    assertThat(started).containsExactly("MOTO");
  }

  @Test
  void localstack_is_used_when_moto_cannot_run() {
    Resolution r = resolve(Map.of("AWS_ENDPOINT_URL", " "), Map.of(), unavailable(AwsEndpoint.Source.MOTO, "no python3"),
        ok(AwsEndpoint.Source.LOCALSTACK));

    assertThat(r).isInstanceOfSatisfying(Resolution.Found.class,
        f -> assertThat(f.endpoint().source()).isEqualTo(AwsEndpoint.Source.LOCALSTACK));
  }

  @Test
  void without_any_endpoint_the_reason_of_each_emulator_is_kept_and_the_problem_is_fixable() {
    Resolution r = resolve(Map.of(), Map.of(), unavailable(AwsEndpoint.Source.MOTO, "no python3"),
        unavailable(AwsEndpoint.Source.LOCALSTACK, "no Docker engine"));

    assertThat(r).isInstanceOfSatisfying(Resolution.Unavailable.class, u -> {
      assertThat(u.reasons()).containsExactly("moto: no python3", "localstack: no Docker engine");
      assertThat(u.fixable()).isTrue();
    });
  }

  @Test
  void a_forced_emulator_skips_the_others() {
    Resolution r = resolve(Map.of("CANARY_AWS_EMULATOR", "localstack"), Map.of(), ok(AwsEndpoint.Source.MOTO),
        ok(AwsEndpoint.Source.LOCALSTACK));

    assertThat(r).isInstanceOfSatisfying(Resolution.Found.class,
        f -> assertThat(f.endpoint().source()).isEqualTo(AwsEndpoint.Source.LOCALSTACK));
    assertThat(started).containsExactly("LOCALSTACK");
  }

  @Test
  void the_system_property_overrides_the_environment_choice() {
    resolve(Map.of("CANARY_AWS_EMULATOR", "localstack"), Map.of("canary.aws.emulator", "moto"),
        ok(AwsEndpoint.Source.MOTO), ok(AwsEndpoint.Source.LOCALSTACK));

    assertThat(started).containsExactly("MOTO");
  }

  @Test
  void a_malformed_endpoint_or_emulator_name_is_a_configuration_error_not_a_skip() {
    Resolution badUri = resolve(Map.of("AWS_ENDPOINT_URL", "http://local host:1"), Map.of(), ok(AwsEndpoint.Source.MOTO));
    Resolution badName = resolve(Map.of(), Map.of("canary.aws.emulator", "kinesalite"), ok(AwsEndpoint.Source.MOTO));

    assertThat(badUri).isInstanceOfSatisfying(Resolution.Unavailable.class, u -> assertThat(u.fixable()).isFalse());
    assertThat(badName).isInstanceOfSatisfying(Resolution.Unavailable.class, u -> assertThat(u.fixable()).isFalse());
    assertThat(started).isEmpty();
  }

  private Resolution resolve(Map<String, String> env, Map<String, String> props, Emulator... emulators) {
    return new EndpointResolver(env, props, () -> List.of(emulators)).resolve();
  }

  private Emulator ok(AwsEndpoint.Source source) {
    return new Emulator() {
      @Override
      public AwsEndpoint.Source source() {
        return source;
      }

      @Override
      public Running start() {
        started.add(source.name());
        return new Running() {
          @Override
          public URI endpoint() {
            return URI.create("http://127.0.0.1:1/" + source);
          }

          @Override
          public void close() {}
        };
      }
    };
  }

  private static Emulator unavailable(AwsEndpoint.Source source, String why) {
    return new Emulator() {
      @Override
      public AwsEndpoint.Source source() {
        return source;
      }

      @Override
      public Running start() throws Unavailable {
        throw new Unavailable(why);
      }
    };
  }
}
