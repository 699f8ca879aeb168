package dev.metricsstream.gateway.api;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * A {@code metav1.Status} failure as k8s.io/apimachinery's {@code errors.New*} functions build it, written with
 * the field order of the Go struct: kind, apiVersion, metadata, status, message, reason, details, code.
 *
 * @param reason  null or empty for {@code StatusReasonUnknown} (a code without a metav1 reason, e.g. 414, 431)
 * @param details null when the Go helper leaves them out (BadRequest, InternalError without a resource)
 */
public record ApiStatus(int code, String reason, String message, Details details) {

    /** {@code metav1.StatusDetails}: name, group, kind (empty ones are omitted, as Go's omitempty). */
    public record Details(String name, String group, String kind) {
    }

    public static final String GROUP = "metrics.k8s.io";
    public static final String NODE_RESOURCE = "nodemetrics";
    public static final String POD_RESOURCE = "podmetrics";

    /** {@code errors.NewNotFound(metrics.Resource("nodemetrics"), name)}. */
    public static ApiStatus nodeNotFound(String name) {
        return notFound(NODE_RESOURCE, name);
    }

    /** {@code errors.NewNotFound(metrics.Resource("podmetrics"), namespace + "/" + name)}. */
    public static ApiStatus podNotFound(String namespace, String name) {
        return notFound(POD_RESOURCE, namespace + "/" + name);
    }

    private static ApiStatus notFound(String resource, String name) {
        return new ApiStatus(404, "NotFound", resource + "." + GROUP + " \"" + name + "\" not found",
                new Details(name, GROUP, resource));
    }

    /** {@code errors.NewMethodNotSupported(groupResource, action)}. */
    public static ApiStatus methodNotSupported(String resource, String action) {
        return new ApiStatus(405, "MethodNotAllowed",
                action + " is not supported on resources of kind \"" + resource + "." + GROUP + "\"",
                new Details(null, GROUP, resource));
    }

    /** {@code errors.NewBadRequest(message)}. */
    public static ApiStatus badRequest(String message) {
        return new ApiStatus(400, "BadRequest", message, null);
    }

    /** What a generic apiserver answers for a path it does not serve. */
    public static ApiStatus pathNotFound() {
        return new ApiStatus(404, "NotFound", "the server could not find the requested resource", new Details(null, null, null));
    }

    /** {@code errors.NewInternalError}: the message never carries a stack trace. */
    public static ApiStatus internalError(String message) {
        return new ApiStatus(500, "InternalError",
                "Internal error occurred: " + message, new Details(null, null, null));
    }

    public static ApiStatus serviceUnavailable(String message) {
        return new ApiStatus(503, "ServiceUnavailable", message, null);
    }

    public void write(JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("kind", "Status");
        json.writeStringField("apiVersion", "v1");
        json.writeObjectFieldStart("metadata");
        json.writeEndObject();
        json.writeStringField("status", "Failure");
        json.writeStringField("message", message);
        if (reason != null && !reason.isEmpty()) { // metav1.StatusReasonUnknown is "" and omitted
            json.writeStringField("reason", reason);
        }
        if (details != null) {
            json.writeObjectFieldStart("details");
            writeIfPresent(json, "name", details.name());
            writeIfPresent(json, "group", details.group());
            writeIfPresent(json, "kind", details.kind());
            json.writeEndObject();
        }
        json.writeNumberField("code", code);
        json.writeEndObject();
    }

    private static void writeIfPresent(JsonGenerator json, String field, String value) throws IOException {
        if (value != null && !value.isEmpty()) {
            json.writeStringField(field, value);
        }
    }
}
