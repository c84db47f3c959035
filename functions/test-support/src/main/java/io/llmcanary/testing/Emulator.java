package io.llmcanary.testing;

import java.net.URI;

/** Something that can start an AWS emulator for this JVM: moto server, or LocalStack in Docker. */
interface Emulator {

  AwsEndpoint.Source source();

  /** Starts the emulator, or says in one line why it cannot run here. */
  Running start() throws Unavailable;

  /** A started emulator: its endpoint, and how to stop it. */
  interface Running extends AutoCloseable {

    URI endpoint();

    @Override
    void close();
  }

  /** The emulator cannot run on this machine; the message says why and, where it can, what would fix it. */
  final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    Unavailable(String message) {
      super(message);
    }

    Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
