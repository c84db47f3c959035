package io.llmcanary.testing;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * An HTTP client that lets one request at a time reach the server; callers still race for the turn.
 *
 * <p>Why: DynamoDB runs conditional writes and transactions in isolation (serializable), and that is what the store
 * relies on. moto serves requests on concurrent threads without that isolation: a condition can be checked by two
 * requests before either writes, and a cancelled transaction restores a copy of the table taken when it began,
 * wiping writes that landed meanwhile. Racing tests through this client see DynamoDB's guarantee: every request
 * runs whole, in an order the racing threads decide. (moto answers only after it has done the work, so holding the
 * turn for the call is enough.)
 */
public final class OneRequestAtATime implements SdkHttpClient {

  private final SdkHttpClient delegate;
  private final ReentrantLock turn = new ReentrantLock();

  public OneRequestAtATime(SdkHttpClient delegate) {
    this.delegate = delegate;
  }

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    ExecutableHttpRequest prepared = delegate.prepareRequest(request);
    return new ExecutableHttpRequest() {
      @Override
      public HttpExecuteResponse call() throws IOException {
        turn.lock();
        try {
          return prepared.call();
        } finally {
          turn.unlock();
        }
      }

      @Override
      public void abort() {
        prepared.abort();
      }
    };
  }

  @Override
  public String clientName() {
    return delegate.clientName();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
