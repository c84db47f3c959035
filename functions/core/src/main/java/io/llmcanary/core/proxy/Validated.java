package io.llmcanary.core.proxy;

/** A request body that passed validation, or the first reason it did not. */
public sealed interface Validated<T> {

  record Ok<T>(T value) implements Validated<T> {}

  record Invalid<T>(ApiError error) implements Validated<T> {}

  static <T> Validated<T> invalid(String code, String field, String message) {
    return new Invalid<>(ApiError.badRequest(code, field, message));
  }
}
