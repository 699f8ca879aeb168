package dev.metricsstream.gateway.auth;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AuthenticationV1Api;
import io.kubernetes.client.openapi.models.V1TokenReview;
import io.kubernetes.client.openapi.models.V1TokenReviewSpec;
import io.kubernetes.client.openapi.models.V1TokenReviewStatus;
import io.kubernetes.client.openapi.models.V1UserInfo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bearer tokens checked with a {@code TokenReview}, as k8s.io/apiserver's delegating token authenticator: answers
 * cached by the token's SHA-256 (successes for {@code successTtl}, rejections for the shorter {@code failureTtl});
 * apiserver errors are never cached.
 */
public final class TokenReviewer {
    private final AuthenticationV1Api api;
    private final TtlCache<String, Optional<UserInfo>> cache;
    private final Duration successTtl;
    private final Duration failureTtl;

    public TokenReviewer(AuthenticationV1Api api, InstantSource clock, Duration successTtl, Duration failureTtl) {
        this.api = api;
        this.cache = new TtlCache<>(clock, 10_000);
        this.successTtl = successTtl;
        this.failureTtl = failureTtl;
    }

    /** The token's user, or empty when the apiserver says it is not authenticated. */
    public Optional<UserInfo> review(String token) throws AuthBackendException {
        String key = sha256(token);
        Optional<UserInfo> cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        V1TokenReview answer;
        try {
            answer = api.createTokenReview(new V1TokenReview().apiVersion("authentication.k8s.io/v1")
                    .kind("TokenReview").spec(new V1TokenReviewSpec().token(token))).execute();
        } catch (ApiException e) {
            throw AuthBackendException.from("TokenReview", e);
        } catch (RuntimeException e) {
            throw AuthBackendException.unexpected("TokenReview", e);
        }
        V1TokenReviewStatus status = answer == null ? null : answer.getStatus();
        Optional<UserInfo> user = Optional.empty();
        if (status != null && Boolean.TRUE.equals(status.getAuthenticated()) && status.getUser() != null) {
            V1UserInfo info = status.getUser();
            user = Optional.of(new UserInfo(info.getUsername(), info.getUid(),
                    info.getGroups() == null ? List.of() : info.getGroups(),
                    info.getExtra() == null ? Map.of() : info.getExtra()));
        }
        cache.put(key, user, (user.isPresent() ? successTtl : failureTtl).toMillis());
        return user;
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
