package dev.metricsstream.gateway.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a request asks to do, derived from method, path and query exactly as k8s.io/apiserver's
 * {@code RequestInfoFactory.NewRequestInfo} does (API prefixes {@code api}/{@code apis}, special verbs {@code watch}
 * and {@code proxy}, {@code namespaces/{ns}/...}, get without a name → list or watch, a {@code metadata.name} field
 * selector naming the object), and the Forbidden wording of {@code responsewriters.forbiddenMessage}.
 */
public record RequestAttributes(boolean resourceRequest, String verb, String path, String apiGroup, String apiVersion,
        String namespace, String resource, String subresource, String name) {

    private static final Set<String> SPECIAL_VERBS = Set.of("proxy", "watch");
    private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

    /**
     * @param query the decoded query parameters (first value per name is used, as Go's url.Values parsing does)
     */
    public static RequestAttributes resolve(String method, String path, Map<String, List<String>> query) {
        String lowerMethod = method.toLowerCase(Locale.ROOT);
        RequestAttributes nonResource = new RequestAttributes(false, lowerMethod, path, "", "", "", "", "", "");
        List<String> parts = splitPath(path);
        if (parts.size() < 3) {
            return nonResource;
        }
        String prefix = parts.get(0);
        if (!prefix.equals("api") && !prefix.equals("apis")) {
            return nonResource;
        }
        List<String> current = parts.subList(1, parts.size());
        String group = "";
        if (prefix.equals("apis")) {
            if (current.size() < 3) {
                return nonResource;
            }
            group = current.get(0);
            current = current.subList(1, current.size());
        }
        String version = current.get(0);
        current = current.subList(1, current.size());
        String verb;
        if (SPECIAL_VERBS.contains(current.get(0))) {
            if (current.size() < 2) {
                return nonResource; // the apiserver fails such a request; it is then not a resource request
            }
            verb = current.get(0);
            current = current.subList(1, current.size());
        } else {
            verb = switch (method.toUpperCase(Locale.ROOT)) {
                case "POST" -> "create";
                case "GET", "HEAD" -> "get";
                case "PUT" -> "update";
                case "PATCH" -> "patch";
                case "DELETE" -> "delete";
                default -> "";
            };
        }
        String namespace = "";
        if (current.get(0).equals("namespaces")) {
            if (current.size() > 1) {
                namespace = current.get(1);
                if (current.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(current.get(2))) {
                    current = current.subList(2, current.size());
                }
            }
        }
        String resource = "";
        String name = "";
        String subresource = "";
        if (current.size() >= 3) {
            subresource = current.get(2);
        }
        if (current.size() >= 2) {
            name = current.get(1);
        }
        if (!current.isEmpty()) {
            resource = current.get(0);
        }
        if (name.isEmpty() && verb.equals("get")) {
            verb = watchRequested(query) ? "watch" : "list";
            String selected = exactName(first(query, "fieldSelector"));
            if (selected != null) {
                name = selected;
            }
        }
        if (name.isEmpty() && verb.equals("delete")) {
            verb = "deletecollection";
        }
        return new RequestAttributes(true, verb, path, group, version, namespace, resource, subresource, name);
    }

    /** {@code metav1.Convert_Slice_string_To_bool}: present and not "0"/"false" means true. */
    private static boolean watchRequested(Map<String, List<String>> query) {
        String watch = first(query, "watch");
        return watch != null && !watch.equals("0") && !watch.equalsIgnoreCase("false");
    }

    private static String first(Map<String, List<String>> query, String key) {
        List<String> values = query.get(key);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** {@code fields.Selector.RequiresExactMatch("metadata.name")}, when the name is a valid path segment. */
    private static String exactName(String selector) {
        if (selector == null) {
            return null;
        }
        for (String term : selector.split(",")) {
            String t = term.trim();
            String value = null;
            if (t.startsWith("metadata.name==")) {
                value = t.substring("metadata.name==".length());
            } else if (t.startsWith("metadata.name=") ) {
                value = t.substring("metadata.name=".length());
            }
            if (value != null) {
                value = value.trim();
                boolean valid = !value.isEmpty() && !value.equals(".") && !value.equals("..")
                        && !value.contains("/") && !value.contains("%");
                return valid ? value : null;
            }
        }
        return null;
    }

    private static List<String> splitPath(String path) {
        String trimmed = path;
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        List<String> parts = new ArrayList<>();
        if (trimmed.isEmpty()) {
            return parts;
        }
        for (String part : trimmed.split("/", -1)) {
            parts.add(part);
        }
        return parts;
    }

    /** {@code responsewriters.forbiddenMessage}. */
    public String forbiddenMessage(String userName) {
        if (!resourceRequest) {
            return String.format("User %s cannot %s path %s", quote(userName), verb, quote(path));
        }
        String res = subresource.isEmpty() ? resource : resource + "/" + subresource;
        if (!namespace.isEmpty()) {
            return String.format("User %s cannot %s resource %s in API group %s in the namespace %s", quote(userName),
                    verb, quote(res), quote(apiGroup), quote(namespace));
        }
        return String.format("User %s cannot %s resource %s in API group %s at the cluster scope", quote(userName),
                verb, quote(res), quote(apiGroup));
    }

    /** Go's {@code %q} for the plain strings met here (quotes and backslashes escaped). */
    static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
