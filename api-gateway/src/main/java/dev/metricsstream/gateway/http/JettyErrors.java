package dev.metricsstream.gateway.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.metricsstream.gateway.api.ApiStatus;
import dev.metricsstream.gateway.api.MetricsJson;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error Jetty answers by itself (a request line or header it cannot parse, a URI or header block over the
 * limit, a failure outside Javalin's exception mapping, a path outside the app) as a {@code metav1.Status} JSON,
 * never Jetty's HTML page: kubectl and the HPA decode a Status. One instance for the server and one for the servlet
 * context ({@link #forServer()} and {@link #forContext()}), both counted in
 * {@code metrics_stream_gateway_server_errors_total{code}}.
 */
public final class JettyErrors {
    private static final Logger LOG = LoggerFactory.getLogger(JettyErrors.class);

    /** As the kube-apiserver's Go server ({@code MaxHeaderBytes: 1 << 20}): request line plus headers. */
    public static final int MAX_REQUEST_HEADER_BYTES = 1 << 20;

    private final Counter answered;

    public JettyErrors(PrometheusRegistry registry) {
        answered = Counter.builder().name("metrics_stream_gateway_server_errors_total")
                .help("Requests Jetty answered itself with an error Status before or outside the routes (bad "
                        + "request line, URI or headers too long, unmatched failure), by status code")
                .labelNames("code").register(registry);
    }

    public ErrorHandler forServer() {
        return new ErrorHandler() {
            @Override
            public boolean errorPageForMethod(String method) {
                return true;
            }

            @Override
            protected void generateResponse(Request request, Response response, int code, String message,
                    Throwable cause, Callback callback) {
                writeStatus(response, code, message, cause, callback);
            }

            @Override
            public ByteBuffer badMessageError(int code, String reason, HttpFields.Mutable fields) {
                fields.put(HttpHeader.CONTENT_TYPE, "application/json");
                return ByteBuffer.wrap(body(code, reason, null));
            }
        };
    }

    public ErrorHandler forContext() {
        return new org.eclipse.jetty.ee10.servlet.ErrorHandler() {
            @Override
            public boolean errorPageForMethod(String method) {
                return true;
            }

            @Override
            protected void generateResponse(Request request, Response response, int code, String message,
                    Throwable cause, Callback callback) {
                writeStatus(response, code, message, cause, callback);
            }
        };
    }

    /**
     * For Javalin's {@code router.javaLangErrorHandler}: an {@link Error} thrown by a handler bypasses the exception
     * mapping, and Javalin would answer a bare 500.
     */
    public void javaLangError(HttpServletResponse response, Error error) {
        byte[] body = body(500, null, error);
        if (response.isCommitted()) {
            return;
        }
        try {
            response.resetBuffer();
            response.setStatus(500);
            response.setContentType("application/json");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        } catch (IOException | IllegalStateException e) {
            LOG.atDebug().setCause(e).log("the 500 Status could not be written");
        }
    }

    private void writeStatus(Response response, int code, String message, Throwable cause, Callback callback) {
        byte[] body = body(code, message, cause);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private byte[] body(int code, String jettyMessage, Throwable cause) {
        answered.labelValues(Integer.toString(code)).inc();
        ApiStatus status = status(code, jettyMessage);
        if (code == 500) {
            LOG.atError().setCause(cause).addKeyValue("code", code).log("request failed outside the routes");
        } else {
            LOG.atInfo().addKeyValue("code", code).addKeyValue("reason", jettyMessage).log("request refused by the HTTP server");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = MetricsJson.generator(out)) {
            status.write(json);
            json.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The Status for a code Jetty chose; its own message only where it names the problem, never a stack trace. */
    static ApiStatus status(int code, String jettyMessage) {
        String detail = jettyMessage == null || jettyMessage.isBlank() ? null : jettyMessage;
        return switch (code) {
            case 400 -> ApiStatus.badRequest("the request could not be parsed" + (detail == null ? "" : ": " + detail));
            case 404 -> ApiStatus.pathNotFound();
            case 405 -> new ApiStatus(405, "MethodNotAllowed",
                    "the server does not allow this method on the requested resource", null);
            case 408 -> new ApiStatus(408, "Timeout", "the request was not received in time", null);
            case 413 -> new ApiStatus(413, "RequestEntityTooLarge", "the request body is too large", null);
            case 414 -> new ApiStatus(414, null, "the request URI is too long: the request line and headers may take "
                    + MAX_REQUEST_HEADER_BYTES + " bytes", null);
            case 431 -> new ApiStatus(431, null, "the request headers are too large: the request line and headers may "
                    + "take " + MAX_REQUEST_HEADER_BYTES + " bytes", null);
            case 503 -> ApiStatus.serviceUnavailable("the server is not able to answer now");
            default -> code >= 500 ? new ApiStatus(code, "InternalError",
                    "Internal error occurred: the request could not be answered", new ApiStatus.Details(null, null, null))
                    : new ApiStatus(code, null, "the server rejected the request"
                            + (detail == null ? "" : ": " + detail), null);
        };
    }
}
