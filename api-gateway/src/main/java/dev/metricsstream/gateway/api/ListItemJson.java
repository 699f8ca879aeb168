package dev.metricsstream.gateway.api;

import java.nio.charset.StandardCharsets;

/**
 * One list item pre-rendered as JSON around its request-dependent value (the creation time, which metrics-server
 * sets to the request time): {@code head + '"' + time + '"' + meta + body} is the item. {@code head} is the opening
 * and {@code metadata} up to the creation time, {@code meta} the rest of {@code metadata} (labels), {@code body} the
 * usage that follows it. Rendered once when the data is loaded, so a list request copies bytes instead of formatting
 * 30,000 pods; the first two parts change only when a pod's name, namespace or labels do, so a pod's next item can
 * share them ({@link PodItemRenderer}). Treat the arrays as read-only.
 */
public record ListItemJson(byte[] head, byte[] meta, byte[] body) {

    /** The quoted RFC 3339 time that goes between head and tail, once per request. */
    public static byte[] quotedTime(long requestMillis) {
        return ('"' + MetricsJson.rfc3339(requestMillis) + '"').getBytes(StandardCharsets.US_ASCII);
    }

    /** Bytes this item adds to a response (for sizing). */
    public int length() {
        return head.length + meta.length + body.length + 22;
    }
}
