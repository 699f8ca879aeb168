package dev.metricsstream.gateway.auth;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An authenticated user as k8s.io/apiserver's {@code user.Info}: name, uid, groups, extras. What a SubjectAccessReview
 * is asked about.
 */
public record UserInfo(String name, String uid, List<String> groups, Map<String, List<String>> extra) {
    public static final String ANONYMOUS_USER = "system:anonymous";
    public static final String UNAUTHENTICATED_GROUP = "system:unauthenticated";
    public static final String AUTHENTICATED_GROUP = "system:authenticated";
    public static final UserInfo ANONYMOUS = new UserInfo(ANONYMOUS_USER, "", List.of(UNAUTHENTICATED_GROUP), Map.of());

    public UserInfo {
        uid = uid == null ? "" : uid;
        groups = List.copyOf(groups);
        Map<String, List<String>> copy = new TreeMap<>();
        extra.forEach((key, values) -> copy.put(key, List.copyOf(values)));
        extra = Map.copyOf(copy);
    }

    public boolean anonymous() {
        return ANONYMOUS_USER.equals(name);
    }

    /**
     * Adds {@code system:authenticated} as k8s.io/apiserver's {@code group.AuthenticatedGroupAdder} does for every
     * authenticated user that lacks it (and is not anonymous).
     */
    UserInfo withAuthenticatedGroup() {
        if (anonymous() || groups.contains(AUTHENTICATED_GROUP)) {
            return this;
        }
        List<String> all = new java.util.ArrayList<>(groups);
        all.add(AUTHENTICATED_GROUP);
        return new UserInfo(name, uid, all, extra);
    }
}
