package dev.metricsstream.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The attributes a request is authorized with, as k8s.io/apiserver's RequestInfoFactory derives them. */
class RequestAttributesTest {
    private static RequestAttributes get(String path, Map<String, List<String>> query) {
        return RequestAttributes.resolve("GET", path, query);
    }

    private static RequestAttributes resource(String verb, String namespace, String resource, String name) {
        return new RequestAttributes(true, verb, "", "metrics.k8s.io", "v1beta1", namespace, resource, "", name);
    }

    private static RequestAttributes withoutPath(RequestAttributes a) {
        return new RequestAttributes(a.resourceRequest(), a.verb(), "", a.apiGroup(), a.apiVersion(), a.namespace(),
                a.resource(), a.subresource(), a.name());
    }

    @Test
    void metrics_api_paths_are_resource_requests_with_list_or_get() {
        assertEquals(resource("list", "", "nodes", ""),
                withoutPath(get("/apis/metrics.k8s.io/v1beta1/nodes", Map.of())));
        assertEquals(resource("get", "", "nodes", "node-1"),
                withoutPath(get("/apis/metrics.k8s.io/v1beta1/nodes/node-1", Map.of())));
        assertEquals(resource("list", "", "pods", ""),
                withoutPath(get("/apis/metrics.k8s.io/v1beta1/pods", Map.of())));
        assertEquals(resource("list", "kube-system", "pods", ""),
                withoutPath(get("/apis/metrics.k8s.io/v1beta1/namespaces/kube-system/pods", Map.of())));
        assertEquals(resource("get", "kube-system", "pods", "coredns-1"),
                withoutPath(get("/apis/metrics.k8s.io/v1beta1/namespaces/kube-system/pods/coredns-1", Map.of())));
    }

    /** What RBAC for the HPA controller must grant (k8s/components/custom-metrics, external-metrics). */
    @Test
    void custom_and_external_metrics_paths_name_the_metric_as_subresource_or_resource() {
        String custom = "/apis/custom.metrics.k8s.io/v1beta2";
        assertEquals(new RequestAttributes(true, "get", "", "custom.metrics.k8s.io", "v1beta2", "shop", "pods",
                "cpu_usage_avg_5m", "*"), withoutPath(get(custom + "/namespaces/shop/pods/*/cpu_usage_avg_5m",
                Map.of("labelSelector", List.of("app=web")))));
        assertEquals(new RequestAttributes(true, "get", "", "custom.metrics.k8s.io", "v1beta2", "", "nodes",
                "cpu_usage_avg_5m", "node-1"), withoutPath(get(custom + "/nodes/node-1/cpu_usage_avg_5m", Map.of())));
        // the namespace as described object: resource "metrics", the metric as its name
        assertEquals(new RequestAttributes(true, "get", "", "custom.metrics.k8s.io", "v1beta2", "shop", "metrics",
                "", "cpu_usage_avg_5m"), withoutPath(get(custom + "/namespaces/shop/metrics/cpu_usage_avg_5m",
                Map.of())));
        // external: the metric is the resource, a list in the namespace
        assertEquals(new RequestAttributes(true, "list", "", "external.metrics.k8s.io", "v1beta1", "shop",
                "cpu_usage_sum", "", ""), withoutPath(get("/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/"
                + "cpu_usage_sum", Map.of("labelSelector", List.of("app=web")))));
    }

    @Test
    void a_watch_parameter_or_the_watch_prefix_makes_the_verb_watch() {
        assertEquals("watch", get("/apis/metrics.k8s.io/v1/pods", Map.of("watch", List.of("true"))).verb());
        assertEquals("watch", get("/apis/metrics.k8s.io/v1/pods", Map.of("watch", List.of("1"))).verb());
        assertEquals("list", get("/apis/metrics.k8s.io/v1/pods", Map.of("watch", List.of("false"))).verb());
        RequestAttributes prefixed = get("/apis/metrics.k8s.io/v1beta1/watch/namespaces/default/pods", Map.of());
        assertEquals("watch", prefixed.verb());
        assertEquals("default", prefixed.namespace());
        assertEquals("pods", prefixed.resource());
    }

    @Test
    void a_metadata_name_field_selector_names_the_object_of_a_list() {
        RequestAttributes a = get("/apis/metrics.k8s.io/v1beta1/nodes",
                Map.of("fieldSelector", List.of("metadata.name=node-7")));
        assertEquals("list", a.verb());
        assertEquals("node-7", a.name());
        assertEquals("", get("/apis/metrics.k8s.io/v1beta1/nodes",
                Map.of("fieldSelector", List.of("metadata.name!=node-7"))).name());
    }

    @Test
    void discovery_and_other_paths_are_non_resource_requests() {
        for (String path : List.of("/apis", "/apis/metrics.k8s.io", "/apis/metrics.k8s.io/v1beta1", "/version",
                "/openapi/v2", "/openapi/v3/apis/metrics.k8s.io/v1beta1", "/metrics", "/metrics/usage")) {
            RequestAttributes a = get(path, Map.of());
            assertEquals(new RequestAttributes(false, "get", path, "", "", "", "", "", ""), a, path);
        }
        assertEquals("head", RequestAttributes.resolve("HEAD", "/metrics", Map.of()).verb());
    }

    @Test
    void other_methods_map_to_the_apiservers_verbs() {
        assertEquals("create", RequestAttributes.resolve("POST", "/apis/metrics.k8s.io/v1beta1/nodes", Map.of()).verb());
        assertEquals("deletecollection",
                RequestAttributes.resolve("DELETE", "/apis/metrics.k8s.io/v1beta1/nodes", Map.of()).verb());
        assertEquals("delete",
                RequestAttributes.resolve("DELETE", "/apis/metrics.k8s.io/v1beta1/nodes/n", Map.of()).verb());
    }

    @Test
    void forbidden_messages_read_as_the_apiservers() {
        assertEquals("User \"jane\" cannot list resource \"pods\" in API group \"metrics.k8s.io\" in the namespace "
                + "\"default\"", get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods", Map.of())
                .forbiddenMessage("jane"));
        assertEquals("User \"jane\" cannot list resource \"nodes\" in API group \"metrics.k8s.io\" at the cluster "
                + "scope", get("/apis/metrics.k8s.io/v1beta1/nodes", Map.of()).forbiddenMessage("jane"));
        assertEquals("User \"system:anonymous\" cannot get path \"/metrics\"",
                get("/metrics", Map.of()).forbiddenMessage("system:anonymous"));
        assertEquals("User \"a\\\"b\" cannot get path \"/x\"", get("/x", Map.of()).forbiddenMessage("a\"b"));
    }
}
