package dev.metricsstream.aggregator.scrape;

/**
 * Why one pod of a scrape was not published: a {@link Reason} from a small fixed set (the label of the
 * {@code pods_not_published_total} counter) and the exact circumstance, free text, for the log.
 */
public record NotPublished(Reason reason, String detail) {

    /** The reasons, each with the metric label it is counted under. */
    public enum Reason {
        /** A running container has no rate yet or an incomplete sample: metrics-server skips the whole pod. */
        INCOMPLETE("incomplete"),
        /** The pod's phase is not Running. */
        NOT_RUNNING("not_running"),
        /** Running, but no container with usage (all completed or not started). */
        NO_CONTAINER("no_container"),
        /** The same namespace/name again in one scrape: metrics-server keeps the first. */
        DUPLICATE("duplicate");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        /** The value of the {@code reason} label. */
        public String label() {
            return label;
        }
    }

    static NotPublished of(PodAssembler.Result notAssembled) {
        if (notAssembled instanceof PodAssembler.Result.NotRunning notRunning) {
            return new NotPublished(Reason.NOT_RUNNING, "phase " + notRunning.phase());
        }
        if (notAssembled instanceof PodAssembler.Result.Incomplete incomplete) {
            return new NotPublished(Reason.INCOMPLETE, incomplete.reason());
        }
        if (notAssembled instanceof PodAssembler.Result.NoContainers) {
            return new NotPublished(Reason.NO_CONTAINER, "no running container");
        }
        throw new IllegalArgumentException("published, not held back: " + notAssembled);
    }

    static NotPublished duplicate() {
        return new NotPublished(Reason.DUPLICATE, "duplicate pod in scrape");
    }
}
