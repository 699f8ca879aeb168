package dev.metricsstream.gateway.http;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Locale;

/**
 * {@code /version} with the fields of k8s.io/apimachinery's {@code version.Info}, as a generic apiserver serves
 * it; kubectl's dispatcher reads it to pick a client version.
 */
public record VersionInfo(String gitVersion) {
    public static VersionInfo current() {
        String version = VersionInfo.class.getPackage().getImplementationVersion();
        return new VersionInfo("v" + (version == null ? "0.1.0" : version.replace("-SNAPSHOT", "")));
    }

    public void write(JsonGenerator json) throws IOException {
        String[] parts = gitVersion.substring(1).split("\\.");
        json.writeStartObject();
        json.writeStringField("major", parts[0]);
        json.writeStringField("minor", parts.length > 1 ? parts[1] : "0");
        json.writeStringField("gitVersion", gitVersion);
        json.writeStringField("gitCommit", "");
        json.writeStringField("gitTreeState", "");
        json.writeStringField("buildDate", "");
        json.writeStringField("goVersion", "java" + Runtime.version().feature());
        json.writeStringField("compiler", "javac");
        json.writeStringField("platform", System.getProperty("os.name").toLowerCase(Locale.ROOT) + "/"
                + System.getProperty("os.arch"));
        json.writeEndObject();
    }
}
