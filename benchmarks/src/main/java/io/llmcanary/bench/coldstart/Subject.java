package io.llmcanary.bench.coldstart;

/** One thing to cold-start: a jar, the handler class in it, and the AppConfig profile its agent serves. */
record Subject(String name, String jar, String handler, String profile) {}
