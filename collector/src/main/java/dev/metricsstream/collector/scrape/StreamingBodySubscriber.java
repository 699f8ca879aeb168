package dev.metricsstream.collector.scrape;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands a response body to the decoder as an {@link InputStream} while it arrives, so a scrape never holds more than
 * a few network buffers of it. The size cap and the request deadline are enforced while reading: past
 * {@code maxBytes} the transfer is cancelled and {@link ResponseTooLargeException} thrown; past the deadline an
 * {@link HttpTimeoutException}. The next buffer is requested only when the previous one was read (back-pressure).
 */
final class StreamingBodySubscriber implements HttpResponse.BodySubscriber<InputStream> {
    private static final Object END = new Object();

    private final long maxBytes;
    private final long deadlineNanos;
    private final BlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
    private final CompletableFuture<InputStream> body;
    private volatile Flow.Subscription subscription;

    StreamingBodySubscriber(long maxBytes, long deadlineNanos) {
        this.maxBytes = maxBytes;
        this.deadlineNanos = deadlineNanos;
        this.body = CompletableFuture.completedFuture(new Body());
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        this.subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        arrived.add(items);
    }

    @Override
    public void onError(Throwable throwable) {
        arrived.add(throwable);
    }

    @Override
    public void onComplete() {
        arrived.add(END);
    }

    /** Thrown while reading a body larger than allowed. */
    static final class ResponseTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        ResponseTooLargeException(long maxBytes) {
            super("response larger than " + maxBytes + " bytes");
        }
    }

    private final class Body extends InputStream {
        private Iterator<ByteBuffer> list;
        private ByteBuffer buffer;
        private long total;
        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(length, buffer.remaining());
            total += n;
            if (total > maxBytes) {
                cancel();
                throw new ResponseTooLargeException(maxBytes);
            }
            buffer.get(target, offset, n);
            return n;
        }

        /** Makes {@code buffer} non-empty; false at the end of the body. */
        private boolean fill() throws IOException {
            while (buffer == null || !buffer.hasRemaining()) {
                if (list != null && list.hasNext()) {
                    buffer = list.next();
                    continue;
                }
                if (list != null) {
                    list = null;
                    subscription.request(1); // this delivery is consumed: ask for the next
                }
                if (done) {
                    return false;
                }
                Object next = await();
                if (next == END) {
                    done = true;
                    return false;
                }
                if (next instanceof Throwable error) {
                    done = true;
                    throw error instanceof IOException io ? io : new IOException(error);
                }
                @SuppressWarnings("unchecked")
                List<ByteBuffer> items = (List<ByteBuffer>) next;
                list = items.iterator();
            }
            return true;
        }

        private Object await() throws IOException {
            long waitNanos = deadlineNanos - System.nanoTime();
            try {
                Object next = waitNanos <= 0 ? arrived.poll() : arrived.poll(waitNanos, TimeUnit.NANOSECONDS);
                if (next == null) {
                    cancel();
                    throw new HttpTimeoutException("response body not complete within the request timeout");
                }
                return next;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancel();
                throw new InterruptedIOException("interrupted while reading the response body");
            }
        }

        private void cancel() {
            done = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }

        @Override
        public void close() {
            if (!done) {
                cancel();
            }
        }
    }
}
