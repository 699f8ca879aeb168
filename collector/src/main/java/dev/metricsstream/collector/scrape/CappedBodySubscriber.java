package dev.metricsstream.collector.scrape;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body up to {@code maxBytes} and cancels the transfer the moment it would exceed that: the cap
 * is enforced while reading, so an endless body costs at most {@code maxBytes} of memory.
 */
final class CappedBodySubscriber implements HttpResponse.BodySubscriber<InputStream> {
    private final long maxBytes;
    private final CompletableFuture<InputStream> result = new CompletableFuture<>();
    private final Buffer buffer = new Buffer();
    private Flow.Subscription subscription;

    CappedBodySubscriber(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        this.subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer item : items) {
            int remaining = item.remaining();
            if (buffer.size() + (long) remaining > maxBytes) {
                subscription.cancel();
                result.completeExceptionally(new ResponseTooLargeException(maxBytes));
                return;
            }
            buffer.append(item);
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable throwable) {
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        result.complete(buffer.asInputStream());
    }

    /** Thrown (inside the body future) when a response is larger than allowed. */
    static final class ResponseTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        ResponseTooLargeException(long maxBytes) {
            super("response larger than " + maxBytes + " bytes");
        }
    }

    /** A growable byte array read back without a copy. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(64 * 1024);
        }

        void append(ByteBuffer item) {
            if (item.hasArray()) {
                write(item.array(), item.arrayOffset() + item.position(), item.remaining());
            } else {
                byte[] copy = new byte[item.remaining()];
                item.get(copy);
                write(copy, 0, copy.length);
            }
        }

        InputStream asInputStream() {
            return new ByteArrayInputStream(buf, 0, count);
        }
    }
}
