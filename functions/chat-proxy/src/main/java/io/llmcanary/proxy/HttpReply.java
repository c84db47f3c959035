package io.llmcanary.proxy;

import java.util.Map;

/** One HTTP response: status, headers and a JSON body. */
public record HttpReply(int status, Map<String, String> headers, String body) {

  public HttpReply {
    headers = Map.copyOf(headers);
  }
}
