package dev.metricsstream.gateway.auth;

import dev.metricsstream.gateway.api.ApiStatus;
import dev.metricsstream.gateway.http.StatusResponses;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's authentication + authorization filter (the {@code GatewayApp.Collaborators.authFilter} seam), as
 * k8s.io/apiserver's WithAuthentication + WithAuthorization: always-allowed paths pass; everything else needs an
 * authenticated user (401 otherwise) whom a SubjectAccessReview allows (403 otherwise); a failing apiserver is 503/500,
 * never an allow.
 */
public final class AuthFilter implements Handler {
    private static final Logger LOG = LoggerFactory.getLogger(AuthFilter.class);
    /** An auth filter that lets every request through ({@code AUTH_MODE=off}, tests). */
    public static final Handler NONE = ctx -> { };
    /** The request attribute holding the authenticated {@link UserInfo}. */
    public static final String USER_ATTRIBUTE = "metrics-stream.user";
    private static final String CERTIFICATE_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

    private final AuthConfig config;
    private final Supplier<AuthenticationSettings> settings;
    private final RequestAuthenticator authenticator;
    private final SubjectAccessReviewer authorizer;

    public AuthFilter(AuthConfig config, Supplier<AuthenticationSettings> settings, RequestAuthenticator authenticator,
            SubjectAccessReviewer authorizer) {
        this.config = config;
        this.settings = settings;
        this.authenticator = authenticator;
        this.authorizer = authorizer;
    }

    @Override
    public void handle(Context ctx) {
        String path = ctx.path();
        if (config.alwaysAllowed(path)) {
            return;
        }
        if (settings.get() == null) {
            halt(ctx, ApiStatus.serviceUnavailable("the authentication configuration (ConfigMap "
                    + config.configMapNamespace() + "/" + config.configMapName() + ") has not been read yet"));
            return;
        }
        RequestAuthenticator.Outcome outcome = authenticator.authenticate(new ServletRequest(ctx));
        UserInfo user;
        if (outcome instanceof RequestAuthenticator.Authenticated authenticated) {
            user = authenticated.user().withAuthenticatedGroup();
        } else if (outcome instanceof RequestAuthenticator.BackendFailed failed) {
            backendFailure(ctx, failed.cause());
            return;
        } else {
            if (outcome instanceof RequestAuthenticator.Rejected rejected) {
                LOG.atInfo().addKeyValue("reason", "unauthenticated").addKeyValue("path", path)
                        .log("request not authenticated: {}", rejected.reasons());
            }
            halt(ctx, new ApiStatus(401, "Unauthorized", "Unauthorized", null));
            return;
        }
        RequestAttributes attributes = RequestAttributes.resolve(ctx.method().name(), path, ctx.queryParamMap());
        ctx.attribute(USER_ATTRIBUTE, user);
        if (!Collections.disjoint(user.groups(), config.alwaysAllowGroups())) {
            return;
        }
        SubjectAccessReviewer.Decision decision;
        try {
            decision = authorizer.authorize(user, attributes);
        } catch (AuthBackendException e) {
            backendFailure(ctx, e);
            return;
        }
        if (!decision.allowed()) {
            LOG.atDebug().addKeyValue("reason", "forbidden").addKeyValue("path", path)
                    .log("{}", attributes.forbiddenMessage(user.name()));
            halt(ctx, forbidden(attributes, user, decision.reason()));
        }
    }

    /** {@code responsewriters.Forbidden} → {@code apierrors.NewForbidden(groupResource, name, err)}. */
    static ApiStatus forbidden(RequestAttributes attributes, UserInfo user, String reason) {
        String message = attributes.forbiddenMessage(user.name());
        if (!reason.isEmpty()) {
            message = message + ": " + reason;
        }
        String group = attributes.apiGroup();
        String resource = attributes.resource();
        String qualified = group.isEmpty() ? resource : resource + "." + group;
        String full;
        if (resource.isEmpty() && group.isEmpty()) {
            full = "forbidden: " + message;
        } else if (attributes.name().isEmpty()) {
            full = qualified + " is forbidden: " + message;
        } else {
            full = qualified + " " + RequestAttributes.quote(attributes.name()) + " is forbidden: " + message;
        }
        return new ApiStatus(403, "Forbidden", full, new ApiStatus.Details(attributes.name(), group, resource));
    }

    private static void backendFailure(Context ctx, AuthBackendException e) {
        LOG.atWarn().addKeyValue("reason", "apiserver_unavailable").addKeyValue("path", ctx.path())
                .log("{}", e.getMessage());
        halt(ctx, e.httpStatus() == 503 ? ApiStatus.serviceUnavailable(e.getMessage())
                : ApiStatus.internalError(e.getMessage()));
    }

    private static void halt(Context ctx, ApiStatus status) {
        StatusResponses.send(ctx, status);
        ctx.skipRemainingHandlers();
    }

    /** The servlet request as authentication sees it. */
    private record ServletRequest(Context ctx) implements RequestAuthenticator.Request {
        @Override
        public X509Certificate[] clientChain() {
            return ctx.req().getAttribute(CERTIFICATE_ATTRIBUTE) instanceof X509Certificate[] chain ? chain : null;
        }

        @Override
        public List<String> headers(String name) {
            return Collections.list(ctx.req().getHeaders(name));
        }

        @Override
        public List<String> headerNames() {
            return Collections.list(ctx.req().getHeaderNames());
        }
    }
}
