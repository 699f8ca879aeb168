package dev.metricsstream.gateway.api;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;

/**
 * Discovery documents of the metrics.k8s.io group, as a generic apiserver serves them: {@code /apis}
 * (APIGroupList), {@code /apis/metrics.k8s.io} (APIGroup) and {@code /apis/metrics.k8s.io/<version>}
 * (APIResourceList, identical to what metrics-server serves: see the fixture
 * {@code metrics-api_discovery_APIResourceList_v1beta1_2018.json}).
 */
public final class Discovery {
    public static final String GROUP = "metrics.k8s.io";

    private final List<String> versions;

    /** @param versions served versions, the preferred one first */
    public Discovery(List<String> versions) {
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("at least one version");
        }
        this.versions = List.copyOf(versions);
    }

    public List<String> versions() {
        return versions;
    }

    public String preferredVersion() {
        return versions.get(0);
    }

    public boolean serves(String version) {
        return versions.contains(version);
    }

    public void writeGroupList(JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("kind", "APIGroupList");
        json.writeStringField("apiVersion", "v1");
        json.writeArrayFieldStart("groups");
        writeGroupBody(json);
        json.writeEndArray();
        json.writeEndObject();
    }

    public void writeGroup(JsonGenerator json) throws IOException {
        DiscoveryJson.writeGroup(json, GROUP, versions);
    }

    private void writeGroupBody(JsonGenerator json) throws IOException {
        json.writeStartObject();
        DiscoveryJson.writeGroupFields(json, GROUP, versions);
        json.writeEndObject();
    }

    public void writeResourceList(JsonGenerator json, String version) throws IOException {
        json.writeStartObject();
        json.writeStringField("kind", "APIResourceList");
        json.writeStringField("apiVersion", "v1");
        json.writeStringField("groupVersion", GROUP + "/" + version);
        json.writeArrayFieldStart("resources");
        DiscoveryJson.writeResource(json, "nodes", false, MetricsJson.NODE_KIND, "get", "list");
        DiscoveryJson.writeResource(json, "pods", true, MetricsJson.POD_KIND, "get", "list");
        json.writeEndArray();
        json.writeEndObject();
    }
}
