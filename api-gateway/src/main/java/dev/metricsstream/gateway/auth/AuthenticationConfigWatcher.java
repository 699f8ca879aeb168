package dev.metricsstream.gateway.auth;

import com.google.gson.reflect.TypeToken;
import dev.metricsstream.common.health.HealthCheck;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapList;
import io.kubernetes.client.util.Watch;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link AuthenticationSettings} in step with the {@code extension-apiserver-authentication} ConfigMap: a list
 * (by field selector {@code metadata.name}, as k8s.io/apiserver's controller does, which the
 * {@code extension-apiserver-authentication-reader} Role allows) then a watch from its resourceVersion, re-watching
 * when the stream ends and re-listing after an error. Changes apply to the next request, without a restart. A
 * ConfigMap that cannot be parsed is logged and the previous settings kept.
 */
public final class AuthenticationConfigWatcher implements Supplier<AuthenticationSettings>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuthenticationConfigWatcher.class);
    private static final AuthenticationSettings NONE = new AuthenticationSettings(List.of(), List.of(), List.of(),
            List.of(), List.of(), List.of(), "");

    private final ApiClient client;
    private final String namespace;
    private final String name;
    private final Duration retryDelay;
    private final AtomicReference<AuthenticationSettings> current = new AtomicReference<>();
    private final AtomicReference<Watch<V1ConfigMap>> watch = new AtomicReference<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;

    /** @param client an ApiClient with no read timeout (watches stay open for minutes) */
    public AuthenticationConfigWatcher(ApiClient client, String namespace, String name, Duration retryDelay) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.retryDelay = retryDelay;
        this.thread = new Thread(this::run, "auth-configmap-watch");
        this.thread.setDaemon(true);
    }

    public AuthenticationConfigWatcher start() {
        thread.start();
        return this;
    }

    /** The settings now in force, or null before the ConfigMap was first read. */
    @Override
    public AuthenticationSettings get() {
        return current.get();
    }

    /** Ready once the ConfigMap was read (a missing ConfigMap counts as read: no certificate authentication). */
    public HealthCheck readiness() {
        return HealthCheck.of("authentication-config", () -> current.get() != null ? HealthCheck.Result.passed()
                : HealthCheck.Result.failed("ConfigMap " + namespace + "/" + name + " not read yet"));
    }

    /** Waits until the first read (for startup logs and tests). */
    public boolean awaitFirstRead(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (current.get() == null && System.nanoTime() < deadline) {
            if (stopped.await(20, TimeUnit.MILLISECONDS)) {
                return false;
            }
        }
        return current.get() != null;
    }

    private void run() {
        CoreV1Api core = new CoreV1Api(client);
        String fieldSelector = "metadata.name=" + name;
        while (stopped.getCount() > 0) {
            String resourceVersion;
            try {
                V1ConfigMapList list = core.listNamespacedConfigMap(namespace).fieldSelector(fieldSelector).execute();
                resourceVersion = list.getMetadata() == null ? null : list.getMetadata().getResourceVersion();
                apply(list.getItems() == null || list.getItems().isEmpty() ? null : list.getItems().get(0));
            } catch (ApiException | RuntimeException e) {
                LOG.atWarn().addKeyValue("reason", "configmap_unreadable")
                        .log("cannot read ConfigMap {}/{}: {}", namespace, name, describe(e));
                pause();
                continue;
            }
            resourceVersion = watchFrom(core, fieldSelector, resourceVersion);
            if (resourceVersion == null) {
                pause();
            }
        }
    }

    /** Watches until the stream fails; returns null when a relist is needed. */
    private String watchFrom(CoreV1Api core, String fieldSelector, String resourceVersion) {
        String rv = resourceVersion;
        while (stopped.getCount() > 0) {
            try (Watch<V1ConfigMap> w = Watch.createWatch(client, core.listNamespacedConfigMap(namespace)
                    .fieldSelector(fieldSelector).resourceVersion(rv).watch(true).allowWatchBookmarks(true)
                    .timeoutSeconds(300).buildCall(null), new TypeToken<Watch.Response<V1ConfigMap>>() { }.getType())) {
                watch.set(w);
                if (stopped.getCount() == 0) {
                    return null;
                }
                for (Watch.Response<V1ConfigMap> event : w) {
                    if ("ERROR".equals(event.type)) {
                        LOG.atInfo().addKeyValue("reason", "watch_error").log("ConfigMap watch ended: {}",
                                event.status == null ? "error" : event.status.getMessage());
                        return null;
                    }
                    if (event.object != null && event.object.getMetadata() != null) {
                        rv = event.object.getMetadata().getResourceVersion();
                    }
                    switch (event.type) {
                        case "ADDED", "MODIFIED" -> apply(event.object);
                        case "DELETED" -> apply(null);
                        default -> { } // BOOKMARK: only the resourceVersion moves
                    }
                }
            } catch (ApiException | IOException | RuntimeException e) {
                if (stopped.getCount() > 0) {
                    LOG.atWarn().addKeyValue("reason", "watch_error")
                            .log("ConfigMap {}/{} watch failed: {}", namespace, name, describe(e));
                }
                return null;
            } finally {
                watch.set(null);
            }
        }
        return null;
    }

    private void apply(V1ConfigMap configMap) {
        if (configMap == null) {
            if (current.get() != NONE) {
                LOG.atWarn().addKeyValue("reason", "configmap_missing").log("ConfigMap {}/{} does not exist: "
                        + "front-proxy and client-certificate authentication are off", namespace, name);
            }
            current.set(NONE);
            return;
        }
        Map<String, String> data = configMap.getData();
        String rv = configMap.getMetadata() == null ? "" : configMap.getMetadata().getResourceVersion();
        AuthenticationSettings before = current.get();
        if (before != null && before != NONE && rv != null && rv.equals(before.resourceVersion())) {
            return;
        }
        try {
            AuthenticationSettings settings = AuthenticationSettings.fromConfigMapData(data, rv);
            current.set(settings);
            LOG.atInfo().addKeyValue("resourceVersion", rv)
                    .addKeyValue("requestheaderCAs", settings.requestHeaderCa().size())
                    .addKeyValue("allowedNames", settings.allowedNames())
                    .addKeyValue("clientCAs", settings.clientCa().size())
                    .log("authentication configuration loaded from ConfigMap {}/{}", namespace, name);
        } catch (IllegalArgumentException e) {
            LOG.atError().addKeyValue("reason", "configmap_invalid")
                    .log("ConfigMap {}/{} is invalid, keeping the previous settings: {}", namespace, name,
                            e.getMessage());
            if (before == null) {
                current.set(NONE);
            }
        }
    }

    private void pause() {
        try {
            stopped.await(retryDelay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped.countDown();
        }
    }

    private static String describe(Exception e) {
        if (e instanceof ApiException api && api.getCode() != 0) {
            return "HTTP " + api.getCode();
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.toString();
    }

    @Override
    public void close() {
        stopped.countDown();
        Watch<V1ConfigMap> w = watch.get();
        if (w != null) {
            try {
                w.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        thread.interrupt();
    }
}
