package dev.metricsstream.gateway.auth;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AuthorizationV1Api;
import io.kubernetes.client.openapi.models.V1NonResourceAttributes;
import io.kubernetes.client.openapi.models.V1ResourceAttributes;
import io.kubernetes.client.openapi.models.V1SubjectAccessReview;
import io.kubernetes.client.openapi.models.V1SubjectAccessReviewSpec;
import io.kubernetes.client.openapi.models.V1SubjectAccessReviewStatus;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every decision asked of the apiserver with a {@code SubjectAccessReview}, as k8s.io/apiserver's delegating
 * (webhook) authorizer builds it: user, uid, groups, extra, and resource attributes (namespace, verb, group, version,
 * resource, subresource, name) or non-resource attributes (path, verb). Allows and denies are cached; errors never.
 */
public final class SubjectAccessReviewer {
    /** The answer: allowed, or denied with the apiserver's reason (may be empty). */
    public record Decision(boolean allowed, String reason) {
    }

    private final AuthorizationV1Api api;
    private final TtlCache<String, Decision> cache;
    private final Duration allowTtl;
    private final Duration denyTtl;

    public SubjectAccessReviewer(AuthorizationV1Api api, InstantSource clock, Duration allowTtl, Duration denyTtl) {
        this.api = api;
        this.cache = new TtlCache<>(clock, 10_000);
        this.allowTtl = allowTtl;
        this.denyTtl = denyTtl;
    }

    public Decision authorize(UserInfo user, RequestAttributes attributes) throws AuthBackendException {
        String key = user + "|" + attributes;
        Decision cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        V1SubjectAccessReviewSpec spec = new V1SubjectAccessReviewSpec().user(user.name()).uid(user.uid())
                .groups(new ArrayList<>(user.groups()));
        if (!user.extra().isEmpty()) {
            Map<String, List<String>> extra = new LinkedHashMap<>();
            user.extra().forEach((k, v) -> extra.put(k, new ArrayList<>(v)));
            spec.extra(extra);
        }
        if (attributes.resourceRequest()) {
            spec.resourceAttributes(new V1ResourceAttributes().namespace(attributes.namespace())
                    .verb(attributes.verb()).group(attributes.apiGroup()).version(attributes.apiVersion())
                    .resource(attributes.resource()).subresource(attributes.subresource()).name(attributes.name()));
        } else {
            spec.nonResourceAttributes(new V1NonResourceAttributes().path(attributes.path()).verb(attributes.verb()));
        }
        V1SubjectAccessReview answer;
        try {
            answer = api.createSubjectAccessReview(new V1SubjectAccessReview()
                    .apiVersion("authorization.k8s.io/v1").kind("SubjectAccessReview").spec(spec)).execute();
        } catch (ApiException e) {
            throw AuthBackendException.from("SubjectAccessReview", e);
        } catch (RuntimeException e) {
            throw AuthBackendException.unexpected("SubjectAccessReview", e);
        }
        V1SubjectAccessReviewStatus status = answer == null ? null : answer.getStatus();
        if (status == null) {
            throw new AuthBackendException(503, "SubjectAccessReview failed: the apiserver's answer has no status",
                    null);
        }
        boolean allowed = Boolean.TRUE.equals(status.getAllowed()) && !Boolean.TRUE.equals(status.getDenied());
        String reason = status.getReason() == null ? "" : status.getReason();
        if (!allowed && status.getEvaluationError() != null && !status.getEvaluationError().isEmpty()
                && reason.isEmpty()) {
            reason = status.getEvaluationError();
        }
        Decision decision = new Decision(allowed, reason);
        cache.put(key, decision, (allowed ? allowTtl : denyTtl).toMillis());
        return decision;
    }
}
