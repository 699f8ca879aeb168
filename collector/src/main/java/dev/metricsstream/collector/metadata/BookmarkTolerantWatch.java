package dev.metricsstream.collector.metadata;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.Watch;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.function.Function;
import okhttp3.Call;
import okhttp3.ResponseBody;

/**
 * A client-java {@link Watch} that understands BOOKMARK events. kube-apiserver sends a bookmark as an object that
 * carries only {@code metadata.resourceVersion} and leaves required fields null
 * ({@code "spec":{"containers":null}} for a Pod); client-java 27 validates every event against the full model and
 * throws ({@code Expected the field containers to be an array ... but got null}), which ends the watch and makes
 * the informer relist. Here a bookmark becomes an empty object of the watched type with only its resourceVersion:
 * the reflector takes the resourceVersion and touches nothing in the cache, so the watch stays open and a later
 * reconnect resumes from the bookmark instead of relisting. Every other line is parsed as client-java does.
 */
final class BookmarkTolerantWatch<T extends KubernetesObject> extends Watch<T> {
    private static final String BOOKMARK = "BOOKMARK";

    private final Function<V1ObjectMeta, T> carrier;

    private BookmarkTolerantWatch(JSON json, ResponseBody body, Type watchType, Call call,
            Function<V1ObjectMeta, T> carrier) {
        super(json, body, watchType, call);
        this.carrier = carrier;
    }

    /**
     * As {@link Watch#createWatch}: executes the call, an unsuccessful answer becomes an {@link ApiException}.
     *
     * @param carrier an object of the watched type holding only the given metadata, to carry a bookmark
     *     (e.g. {@code meta -> new V1Pod().metadata(meta)})
     */
    static <T extends KubernetesObject> Watch<T> create(ApiClient client, Call call, Type watchType,
            Function<V1ObjectMeta, T> carrier) throws ApiException {
        okhttp3.Response response;
        try {
            response = call.execute();
        } catch (IOException e) {
            throw new ApiException(e);
        }
        if (!response.isSuccessful()) {
            String body = null;
            try (ResponseBody responseBody = response.body()) {
                if (responseBody != null) {
                    body = responseBody.string();
                }
            } catch (IOException e) {
                throw new ApiException(response.message(), e, response.code(), response.headers().toMultimap());
            }
            throw new ApiException(response.message(), response.code(), response.headers().toMultimap(), body);
        }
        return new BookmarkTolerantWatch<>(client.getJSON(), response.body(), watchType, call, carrier);
    }

    @Override
    protected Response<T> parseLine(String line) throws IOException {
        // cheap test first: only a line that mentions BOOKMARK is looked at twice
        if (line.contains(BOOKMARK)) {
            Response<T> bookmark = bookmark(line);
            if (bookmark != null) {
                return bookmark;
            }
        }
        return super.parseLine(line);
    }

    /** The bookmark as an empty object with only its resourceVersion, or null when the line is no bookmark. */
    Response<T> bookmark(String line) {
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(line);
        } catch (RuntimeException e) {
            return null;
        }
        if (!parsed.isJsonObject()) {
            return null;
        }
        JsonObject event = parsed.getAsJsonObject();
        JsonElement type = event.get("type");
        if (type == null || !type.isJsonPrimitive() || !BOOKMARK.equals(type.getAsString())) {
            return null;
        }
        String resourceVersion = null;
        JsonElement object = event.get("object");
        if (object != null && object.isJsonObject()) {
            JsonElement metadata = object.getAsJsonObject().get("metadata");
            if (metadata != null && metadata.isJsonObject()) {
                JsonElement rv = metadata.getAsJsonObject().get("resourceVersion");
                resourceVersion = rv == null || !rv.isJsonPrimitive() ? null : rv.getAsString();
            }
        }
        return new Response<>(BOOKMARK, carrier.apply(new V1ObjectMeta().resourceVersion(resourceVersion)));
    }
}
