package dev.metricsstream.gateway.api;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;

/**
 * The discovery shapes every API group the gateway serves writes ({@code metrics.k8s.io}, the custom and external
 * metrics APIs, the History API), as {@code metav1.APIGroup} and {@code metav1.APIResource} serialize.
 */
public final class DiscoveryJson {

    private DiscoveryJson() {
    }

    /** An {@code APIGroup}: {@code versions} preferred first. */
    public static void writeGroup(JsonGenerator json, String group, List<String> versions) throws IOException {
        json.writeStartObject();
        json.writeStringField("kind", "APIGroup");
        json.writeStringField("apiVersion", "v1");
        writeGroupFields(json, group, versions);
        json.writeEndObject();
    }

    /** The fields of a group (name, versions, preferredVersion), inside an object the caller opened. */
    public static void writeGroupFields(JsonGenerator json, String group, List<String> versions) throws IOException {
        json.writeStringField("name", group);
        json.writeArrayFieldStart("versions");
        for (String version : versions) {
            writeGroupVersion(json, group, version);
        }
        json.writeEndArray();
        json.writeFieldName("preferredVersion");
        writeGroupVersion(json, group, versions.get(0));
    }

    /** One {@code APIResource} of an {@code APIResourceList}. */
    public static void writeResource(JsonGenerator json, String name, boolean namespaced, String kind,
                                     String... verbs) throws IOException {
        json.writeStartObject();
        json.writeStringField("name", name);
        json.writeStringField("singularName", "");
        json.writeBooleanField("namespaced", namespaced);
        json.writeStringField("kind", kind);
        json.writeArrayFieldStart("verbs");
        for (String verb : verbs) {
            json.writeString(verb);
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void writeGroupVersion(JsonGenerator json, String group, String version) throws IOException {
        json.writeStartObject();
        json.writeStringField("groupVersion", group + "/" + version);
        json.writeStringField("version", version);
        json.writeEndObject();
    }
}
