package dev.metricsstream.testkit.kubelet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * Writes the kubelet's {@code /pods}: a core/v1 {@code PodList} of the pods bound to this node (every phase), compact
 * JSON as the apimachinery serializer writes it.
 */
final class PodListWriter {

    static final String CONTENT_TYPE = "application/json";

    private PodListWriter() {
    }

    static String write(SimNode node) {
        synchronized (node) {
            long now = node.nowMillis();
            ObjectNode root = GoJson.object();
            root.put("kind", "PodList");
            root.put("apiVersion", "v1");
            root.putObject("metadata");
            ArrayNode items = root.putArray("items");
            for (SimPod pod : node.pods()) {
                items.add(pod(node, pod, now));
            }
            return GoJson.compact(root) + "\n";
        }
    }

    /** One pod as the apiserver serves it in a list or a watch event: the same object, with its kind. */
    static String podObject(SimPod pod) {
        SimNode node = pod.node();
        synchronized (node) {
            ObjectNode object = GoJson.object();
            object.put("kind", "Pod");
            object.put("apiVersion", "v1");
            object.setAll(pod(node, pod, node.nowMillis()));
            return GoJson.compact(object);
        }
    }

    private static ObjectNode pod(SimNode node, SimPod pod, long now) {
        ObjectNode p = GoJson.object();
        ObjectNode meta = p.putObject("metadata");
        meta.put("name", pod.name());
        SimPod.Owner owner = pod.owner();
        if (owner != null && !"StatefulSet".equals(owner.kind())) {
            meta.put("generateName", pod.name().substring(0, pod.name().lastIndexOf('-') + 1));
        }
        meta.put("namespace", pod.namespace());
        meta.put("uid", pod.uid());
        meta.put("resourceVersion", Long.toString(1000 + Math.floorMod(pod.createdMillis() / 1000, 900_000L)));
        meta.put("creationTimestamp", GoJson.time(pod.createdMillis()));
        if (!pod.labels().isEmpty()) {
            ObjectNode labels = meta.putObject("labels");
            pod.labels().forEach(labels::put);
        }
        ObjectNode annotations = meta.putObject("annotations");
        annotations.put("kubernetes.io/config.seen", GoJson.time(pod.createdMillis()).replace("Z", ".000000000Z"));
        annotations.put("kubernetes.io/config.source", "api");
        if (owner != null) {
            ObjectNode ref = meta.putArray("ownerReferences").addObject();
            ref.put("apiVersion", "apps/v1");
            ref.put("kind", owner.kind());
            ref.put("name", owner.name());
            ref.put("uid", owner.uid());
            ref.put("controller", true);
            ref.put("blockOwnerDeletion", true);
        }
        p.set("spec", spec(node, pod));
        p.set("status", status(node, pod, now));
        return p;
    }

    private static ObjectNode spec(SimNode node, SimPod pod) {
        ObjectNode spec = GoJson.object();
        ArrayNode volumes = spec.putArray("volumes");
        volumes.addObject().put("name", "kube-api-access-" + pod.uid().substring(0, 5))
                .putObject("projected").put("defaultMode", 420);
        if (!pod.initContainersUnlocked().isEmpty()) {
            ArrayNode inits = spec.putArray("initContainers");
            for (SimContainer c : pod.initContainersUnlocked()) {
                inits.add(containerSpec(c));
            }
        }
        ArrayNode containers = spec.putArray("containers");
        for (SimContainer c : pod.containersUnlocked()) {
            containers.add(containerSpec(c));
        }
        spec.put("restartPolicy", "Always");
        spec.put("terminationGracePeriodSeconds", 30);
        spec.put("dnsPolicy", "ClusterFirst");
        spec.put("serviceAccountName", "default");
        spec.put("serviceAccount", "default");
        spec.put("nodeName", node.name());
        spec.putObject("securityContext");
        spec.put("schedulerName", "default-scheduler");
        spec.put("priority", 0);
        spec.put("enableServiceLinks", true);
        spec.put("preemptionPolicy", "PreemptLowerPriority");
        return spec;
    }

    private static ObjectNode containerSpec(SimContainer c) {
        ObjectNode o = GoJson.object();
        o.put("name", c.name());
        o.put("image", c.image());
        ObjectNode resources = o.putObject("resources");
        if (!c.isInit()) {
            ObjectNode requests = resources.putObject("requests");
            requests.put("cpu", Math.max(1, c.rateSetNanocores() / 1_000_000) + "m");
            requests.put("memory", Math.max(1, c.memoryLevelBytes() / (1024 * 1024)) + "Mi");
            if (c.memoryLimitBytes() > 0) {
                resources.putObject("limits").put("memory", c.memoryLimitBytes() / (1024 * 1024) + "Mi");
            }
        }
        o.put("terminationMessagePath", "/dev/termination-log");
        o.put("terminationMessagePolicy", "File");
        o.put("imagePullPolicy", "IfNotPresent");
        return o;
    }

    private static ObjectNode status(SimNode node, SimPod pod, long now) {
        PodPhase phase = pod.phaseUnlocked();
        boolean running = phase == PodPhase.RUNNING;
        ObjectNode status = GoJson.object();
        status.put("phase", phase.wireName());
        ArrayNode conditions = status.putArray("conditions");
        long since = running ? pod.runningSinceMillis() : pod.createdMillis();
        boolean initialized = phase != PodPhase.PENDING || pod.initContainersUnlocked().isEmpty();
        condition(conditions, "PodReadyToStartContainers", running, since);
        condition(conditions, "Initialized", initialized, since);
        condition(conditions, "Ready", running, since);
        condition(conditions, "ContainersReady", running, since);
        condition(conditions, "PodScheduled", true, pod.createdMillis());
        status.put("hostIP", node.hostIp());
        status.putArray("hostIPs").addObject().put("ip", node.hostIp());
        if (phase != PodPhase.PENDING) {
            status.put("podIP", pod.podIp());
            status.putArray("podIPs").addObject().put("ip", pod.podIp());
        }
        status.put("startTime", GoJson.time(pod.createdMillis()));
        if (!pod.initContainersUnlocked().isEmpty()) {
            ArrayNode inits = status.putArray("initContainerStatuses");
            for (SimContainer c : pod.initContainersUnlocked()) {
                inits.add(initStatus(c));
            }
        }
        ArrayNode statuses = status.putArray("containerStatuses");
        for (SimContainer c : pod.containersUnlocked()) {
            statuses.add(containerStatus(pod, c, now));
        }
        status.put("qosClass", "Burstable");
        return status;
    }

    private static void condition(ArrayNode conditions, String type, boolean value, long sinceMillis) {
        ObjectNode o = conditions.addObject();
        o.put("type", type);
        o.put("status", value ? "True" : "False");
        o.putNull("lastProbeTime");
        o.put("lastTransitionTime", GoJson.time(sinceMillis));
    }

    private static ObjectNode initStatus(SimContainer c) {
        ObjectNode o = GoJson.object();
        o.put("name", c.name());
        ObjectNode state = o.putObject("state");
        if (c.initStartedMillis() == 0) {
            state.putObject("waiting").put("reason", "PodInitializing");
        } else {
            state.set("terminated", terminated(0, "Completed", c.initStartedMillis(), c.initFinishedMillis(), c));
        }
        o.putObject("lastState");
        o.put("ready", c.initStartedMillis() != 0);
        o.put("restartCount", 0);
        imageFields(o, c);
        o.put("started", false);
        return o;
    }

    private static ObjectNode containerStatus(SimPod pod, SimContainer c, long now) {
        ObjectNode o = GoJson.object();
        o.put("name", c.name());
        ObjectNode state = o.putObject("state");
        CpuCounter counter = c.counter();
        PodPhase phase = pod.phaseUnlocked();
        if (counter == null) {
            state.putObject("waiting").put("reason", "ContainerCreating");
        } else if (phase == PodPhase.SUCCEEDED || counter.stopped()) {
            state.set("terminated", terminated(0, "Completed", counter.startMillis(), counter.stopMillis(), c));
        } else {
            state.putObject("running").put("startedAt", GoJson.time(counter.startMillis()));
        }
        ObjectNode last = o.putObject("lastState");
        long[] termination = c.lastTermination();
        if (termination != null) {
            last.set("terminated", terminated(137, "Error", termination[0], termination[1], c));
        }
        boolean running = counter != null && !counter.stopped() && phase == PodPhase.RUNNING;
        o.put("ready", running);
        o.put("restartCount", c.restartCountUnlocked());
        o.put("image", c.image());
        if (counter != null) {
            imageFields(o, c);
        } else {
            o.put("imageID", "");
        }
        o.put("started", running);
        return o;
    }

    private static ObjectNode terminated(int exitCode, String reason, long startedMillis, long finishedMillis,
            SimContainer c) {
        ObjectNode t = GoJson.object();
        t.put("exitCode", exitCode);
        t.put("reason", reason);
        t.put("startedAt", GoJson.time(startedMillis));
        t.put("finishedAt", GoJson.time(finishedMillis));
        t.put("containerID", "containerd://" + c.containerId());
        return t;
    }

    private static void imageFields(ObjectNode o, SimContainer c) {
        if (!o.has("image")) {
            o.put("image", c.image());
        }
        o.put("imageID", c.image().replaceAll(":[^:/]*$", "") + "@sha256:"
                + String.format(Locale.ROOT, "%016x", Mix.of(1, c.image())).repeat(4));
        if (c.containerId() != null) {
            o.put("containerID", "containerd://" + c.containerId());
        }
    }
}
