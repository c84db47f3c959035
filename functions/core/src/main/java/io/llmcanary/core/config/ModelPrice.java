package io.llmcanary.core.config;

/** USD per million input and output tokens of one model. */
public record ModelPrice(double inputPerMTok, double outputPerMTok) {

  public double cost(long inputTokens, long outputTokens) {
    return (inputTokens * inputPerMTok + outputTokens * outputPerMTok) / 1_000_000.0;
  }
}
