package dev.metricsstream.gateway.auth;

import io.kubernetes.client.openapi.ApiException;

/**
 * A TokenReview or SubjectAccessReview could not be answered by the apiserver. Never treated as an allow: the request
 * is answered 503 (apiserver unreachable, overloaded or failing) or 500 (the apiserver refused the review itself,
 * e.g. the gateway lacks {@code system:auth-delegator}).
 */
public final class AuthBackendException extends Exception {
    private final int httpStatus;

    AuthBackendException(int httpStatus, String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    static AuthBackendException from(String what, ApiException e) {
        int code = e.getCode();
        if (code == 0) {
            return new AuthBackendException(503, what + " failed: the apiserver is unreachable ("
                    + rootMessage(e) + ")", e);
        }
        if (code == 429 || code >= 500) {
            return new AuthBackendException(503, what + " failed: the apiserver answered " + code, e);
        }
        return new AuthBackendException(500, what + " was refused by the apiserver with " + code
                + (code == 403 ? " (does the gateway's service account have system:auth-delegator?)" : ""), e);
    }

    static AuthBackendException unexpected(String what, RuntimeException e) {
        return new AuthBackendException(503, what + " failed: " + rootMessage(e), e);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
