package io.llmcanary.core.quality;

/**
 * Whether an answer is one well-formed JSON value (when the version asked for JSON). Core does not parse JSON: the
 * codec module implements this with Jackson's streaming parser, and the proxy's wiring passes it in.
 */
@FunctionalInterface
public interface JsonValidity {

  boolean isValid(String text);
}
