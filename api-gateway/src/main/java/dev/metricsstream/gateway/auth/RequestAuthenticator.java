package dev.metricsstream.gateway.auth;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Who sent a request, in k8s.io/apiserver's order (a union that stops at the first success): the front-proxy
 * (client certificate chaining to the requestheader CA, CN in the allowed names when that list is non-empty; user,
 * groups and extras from its headers), a client certificate chaining to the client CA (CN, O), a bearer token
 * (TokenReview). A presented credential that fails makes the request unauthenticated (401) unless a later one
 * succeeds; no credential at all makes it anonymous. The X-Remote-* headers are read only on the front-proxy path.
 */
public final class RequestAuthenticator {
    /** What authentication concluded. */
    public sealed interface Outcome {
    }

    public record Authenticated(UserInfo user, String method) implements Outcome {
    }

    public record Anonymous() implements Outcome {
    }

    public record Rejected(List<String> reasons) implements Outcome {
    }

    public record BackendFailed(AuthBackendException cause) implements Outcome {
    }

    /** The parts of a request authentication looks at. */
    public interface Request {
        /** The verified-at-TLS-level client chain (leaf first), or null. */
        X509Certificate[] clientChain();

        /** Every value of every header with this name (case-insensitive). */
        List<String> headers(String name);

        /** Every header name present. */
        List<String> headerNames();
    }

    private final Supplier<AuthenticationSettings> settings;
    private final TokenReviewer tokens;
    private final InstantSource clock;

    public RequestAuthenticator(Supplier<AuthenticationSettings> settings, TokenReviewer tokens, InstantSource clock) {
        this.settings = settings;
        this.tokens = tokens;
        this.clock = clock;
    }

    public Outcome authenticate(Request request) {
        AuthenticationSettings current = settings.get();
        List<String> errors = new ArrayList<>();
        X509Certificate[] chain = request.clientChain();
        if (chain != null && chain.length > 0 && current != null) {
            Optional<UserInfo> proxied = frontProxy(request, chain, current, errors, clock.millis());
            if (proxied.isPresent()) {
                return new Authenticated(proxied.get(), "front-proxy");
            }
            if (!current.clientCa().isEmpty()) {
                String problem = ClientCertificates.verify(chain, current.clientCa(), clock.millis());
                if (problem == null) {
                    String cn = ClientCertificates.commonName(chain[0]);
                    if (cn.isEmpty()) {
                        errors.add("client certificate: missing common name");
                    } else {
                        return new Authenticated(new UserInfo(cn, "", ClientCertificates.organizations(chain[0]),
                                Map.of()), "client-certificate");
                    }
                } else {
                    errors.add("client certificate: " + problem);
                }
            }
        }
        String token = bearerToken(request.headers("Authorization"));
        if (token != null) {
            try {
                Optional<UserInfo> user = tokens.review(token);
                if (user.isPresent()) {
                    return new Authenticated(user.get(), "token");
                }
                errors.add("bearer token: not authenticated by the TokenReview");
            } catch (AuthBackendException e) {
                return new BackendFailed(e);
            }
        }
        return errors.isEmpty() ? new Anonymous() : new Rejected(errors);
    }

    private static Optional<UserInfo> frontProxy(Request request, X509Certificate[] chain,
            AuthenticationSettings current, List<String> errors, long nowMillis) {
        if (current.requestHeaderCa().isEmpty()) {
            return Optional.empty();
        }
        String problem = ClientCertificates.verify(chain, current.requestHeaderCa(), nowMillis);
        if (problem != null) {
            errors.add("front-proxy certificate: " + problem);
            return Optional.empty();
        }
        String cn = ClientCertificates.commonName(chain[0]);
        if (!current.allowedNames().isEmpty() && !current.allowedNames().contains(cn)) {
            errors.add("front-proxy certificate: CN " + RequestAttributes.quote(cn) + " is not in "
                    + current.allowedNames());
            return Optional.empty();
        }
        String user = null;
        for (String header : current.usernameHeaders()) {
            for (String value : request.headers(header)) {
                if (user == null && !value.isBlank()) {
                    user = value.trim();
                }
            }
        }
        if (user == null) {
            return Optional.empty(); // k8s: a front-proxy request without a user is not authenticated by it
        }
        List<String> groups = new ArrayList<>();
        for (String header : current.groupHeaders()) {
            groups.addAll(request.headers(header));
        }
        Map<String, List<String>> extra = new LinkedHashMap<>();
        for (String name : request.headerNames()) {
            String lower = name.toLowerCase(Locale.ROOT);
            for (String prefix : current.extraHeaderPrefixes()) {
                String p = prefix.toLowerCase(Locale.ROOT);
                if (lower.startsWith(p) && lower.length() > p.length()) {
                    String key = unescape(lower.substring(p.length()));
                    extra.computeIfAbsent(key, k -> new ArrayList<>()).addAll(request.headers(name));
                }
            }
        }
        return Optional.of(new UserInfo(user, "", groups, extra));
    }

    /** {@code requestheader.unescapeExtraKey}: percent-decoding, the key as it came when it does not decode. */
    private static String unescape(String key) {
        try {
            return URLDecoder.decode(key.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return key;
        }
    }

    /** {@code bearertoken.AuthenticateRequest}: "Bearer <token>", scheme case-insensitive, token non-empty. */
    static String bearerToken(List<String> authorization) {
        if (authorization.isEmpty()) {
            return null;
        }
        String value = authorization.get(0).trim();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).equalsIgnoreCase("bearer")) {
            return null;
        }
        String token = value.substring(space + 1).trim();
        return token.isEmpty() ? null : token;
    }
}
