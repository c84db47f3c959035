package io.llmcanary.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * System properties set for one block and put back afterwards, also when it fails:
 * {@code SystemProperties.with(Map.of("aws.endpointUrlSns", uri), () -> ...)}. For settings only a JVM-wide property
 * reaches, such as the endpoints and credentials of SDK clients that code under test builds itself.
 */
public final class SystemProperties {

  private SystemProperties() {}

  public static <T> T with(Map<String, String> properties, Callable<T> block) throws Exception {
    Map<String, String> previous = new HashMap<>();
    properties.forEach((name, value) -> previous.put(name, System.getProperty(name)));
    try {
      properties.forEach(System::setProperty);
      return block.call();
    } finally {
      previous.forEach((name, value) -> {
        if (value == null) {
          System.clearProperty(name);
        } else {
          System.setProperty(name, value);
        }
      });
    }
  }
}
