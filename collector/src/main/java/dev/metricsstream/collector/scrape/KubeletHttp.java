package dev.metricsstream.collector.scrape;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * GETs kubelet endpoints with the JDK's HTTP client (no extra dependency, async-capable for pool mode, HTTP/1.1 as
 * the kubelet serves it): bearer token, one deadline covering headers and body, the body streamed to the decoder with
 * the size cap enforced while reading. Failures become {@link ScrapeException}s with stable reasons.
 */
public final class KubeletHttp {
    private final HttpClient client;
    private final BearerToken token;
    private final Duration timeout;
    private final long maxResponseBytes;

    public KubeletHttp(SSLContext sslContext, BearerToken token, Duration timeout, long maxResponseBytes) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(sslContext)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.token = token;
        this.timeout = timeout;
        this.maxResponseBytes = maxResponseBytes;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Reads the body of a 200 response as it arrives; what the reader throws becomes a classified failure. */
    @FunctionalInterface
    public interface BodyReader<T> {
        T read(InputStream body) throws IOException;
    }

    /**
     * GETs {@code uri} and hands the body of a 200 answer to {@code reader} while it streams in (at most
     * {@code maxResponseBytes}, all within the request timeout). A 401 re-reads the token and retries once.
     */
    public <T> T get(URI uri, String accept, BodyReader<T> reader) throws ScrapeException {
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        HttpResponse<InputStream> response = send(uri, accept, deadlineNanos);
        if (response.statusCode() == 401 && token.refresh()) {
            close(response);
            response = send(uri, accept, deadlineNanos); // the token rotated under us: one retry with the new one
        }
        if (response.statusCode() != 200) {
            close(response);
            throw new ScrapeException("http_" + response.statusCode(),
                    "GET " + uri + " answered " + response.statusCode());
        }
        try (InputStream body = response.body()) {
            return reader.read(body);
        } catch (IOException e) {
            throw classify(uri, e);
        }
    }

    private static void close(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException e) {
            // nothing left to do with an unwanted body
        }
    }

    private HttpResponse<InputStream> send(URI uri, String accept, long deadlineNanos) throws ScrapeException {
        long remainingNanos = Math.max(1, deadlineNanos - System.nanoTime());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofNanos(remainingNanos))
                .header("Accept", accept);
        String bearer = token.current();
        if (!bearer.isEmpty()) {
            request.header("Authorization", "Bearer " + bearer);
        }
        CompletableFuture<HttpResponse<InputStream>> future = client.sendAsync(request.build(),
                info -> info.statusCode() == 200
                        ? new StreamingBodySubscriber(maxResponseBytes, deadlineNanos)
                        : HttpResponse.BodySubscribers.replacing(InputStream.nullInputStream()));
        try {
            return future.get(remainingNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new ScrapeException("timeout", "GET " + uri + " took longer than " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new ScrapeException("interrupted", "GET " + uri + " interrupted", e);
        } catch (CancellationException e) {
            throw new ScrapeException("cancelled", "GET " + uri + " cancelled", e);
        } catch (ExecutionException e) {
            throw classify(uri, e.getCause());
        }
    }

    private static ScrapeException classify(URI uri, Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && !(root instanceof StreamingBodySubscriber.ResponseTooLargeException)
                && !(root instanceof SSLException)) {
            root = root.getCause();
        }
        String reason;
        if (root instanceof StreamingBodySubscriber.ResponseTooLargeException
                || cause instanceof StreamingBodySubscriber.ResponseTooLargeException) {
            reason = "response_too_large";
        } else if (root instanceof SSLException || cause instanceof SSLException) {
            reason = "tls";
        } else if (root instanceof HttpTimeoutException || cause instanceof HttpTimeoutException) {
            reason = "timeout";
        } else if (root instanceof ConnectException || cause instanceof ConnectException) {
            reason = "connection_refused";
        } else if (cause instanceof com.fasterxml.jackson.core.JacksonException) {
            reason = "invalid_json";
        } else if (root instanceof IOException) {
            reason = "io_error";
        } else {
            reason = "unexpected_error";
        }
        return new ScrapeException(reason, "GET " + uri + ": " + cause, cause);
    }
}
