# syntax=docker/dockerfile:1
# One multi-target Dockerfile for every metrics-stream image:
#   docker build --target collector   -t ghcr.io/metrics-stream/collector:0.1.0   .
#   docker build --target aggregator  -t ghcr.io/metrics-stream/aggregator:0.1.0  .
#   docker build --target api-gateway -t ghcr.io/metrics-stream/api-gateway:0.1.0 .
#   docker build --target combined    -t ghcr.io/metrics-stream/combined:0.1.0    .   (aggregator + gateway, one JVM)
#   docker build --target kubelet-simulator -t metrics-stream/kubelet-simulator:dev .   (docker-compose only)
# The runtime images hold a JRE, the module's jar and its runtime classpath, nothing else. They run as UID 65532
# with a read-only root filesystem: the only writable places are /tmp (JVM temp files, the RocksDB native library)
# and the aggregator's/gateway's STATE_DIR, both expected as volumes (emptyDir in k8s/, named volumes in compose).

# ---- build: one reactor build for all services, runtime dependencies copied next to each jar ----
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY schemas/ schemas/
COPY common/ common/
COPY testkit/ testkit/
COPY collector/ collector/
COPY aggregator/ aggregator/
COPY api-gateway/ api-gateway/
COPY combined/ combined/
COPY standalone/pom.xml standalone/pom.xml
COPY bench/pom.xml bench/pom.xml
COPY deploy/pom.xml deploy/pom.xml
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -pl collector,aggregator,api-gateway,combined,testkit -am package dependency:copy-dependencies \
      -DskipTests -DincludeScope=runtime -DoutputDirectory=target/lib \
 && for m in collector aggregator api-gateway combined testkit; do \
      mkdir -p /out/$m && cp $m/target/lib/*.jar /out/$m/ && cp $m/target/$m-*.jar /out/$m/; \
    done

# ---- common runtime base ----
FROM eclipse-temurin:17-jre AS runtime
ENV LANG=C.UTF-8 \
    MALLOC_ARENA_MAX=2
WORKDIR /app
# the mount points exist in the image, owned by the runtime user, so named volumes start out writable for it
RUN mkdir -p /var/lib/metrics-stream/state /var/lib/metrics-stream/kubelet-sim \
 && chown -R 65532:65532 /var/lib/metrics-stream
USER 65532:65532

# ---- collector: one per node, so every MiB counts (collector/README.md) ----
FROM runtime AS collector
COPY --from=build /out/collector/ /app/lib/
ENV JAVA_TOOL_OPTIONS="-Xmx64m -Xms8m -XX:+UseSerialGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:TieredStopAtLevel=1 -Xss256k -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=32m -Djava.io.tmpdir=/tmp"
EXPOSE 8081
ENTRYPOINT ["java", "-cp", "/app/lib/*", "dev.metricsstream.collector.CollectorMain"]

# ---- aggregator: Kafka Streams + RocksDB; heap a share of the container limit, the rest for RocksDB ----
FROM runtime AS aggregator
COPY --from=build /out/aggregator/ /app/lib/
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -XX:InitialRAMPercentage=10 -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp" \
    STATE_DIR=/var/lib/metrics-stream/state
EXPOSE 8082
ENTRYPOINT ["java", "-cp", "/app/lib/*", "dev.metricsstream.aggregator.AggregatorMain"]

# ---- api-gateway: global stores of the latest metrics in heap, RocksDB for the windows ----
FROM runtime AS api-gateway
COPY --from=build /out/api-gateway/ /app/lib/
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=60 -XX:InitialRAMPercentage=10 -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp" \
    STATE_DIR=/var/lib/metrics-stream/state
EXPOSE 8443 8080
ENTRYPOINT ["java", "-cp", "/app/lib/*", "dev.metricsstream.gateway.GatewayMain"]

# ---- combined: aggregator and gateway in one JVM (k8s/components/combined), to save one JVM's fixed memory ----
# Serial GC: the small-footprint setting measured for both services (README "Images"); one heap holds both services'
# data (measured apart: aggregator 128 MiB + gateway 192 MiB heaps), so it is half the container limit, the other half
# for metaspace, code cache, thread stacks, RocksDB's bounded cache (ROCKSDB_MEMORY_MIB) and direct buffers.
FROM runtime AS combined
COPY --from=build /out/combined/ /app/lib/
ENV JAVA_TOOL_OPTIONS="-XX:+UseSerialGC -XX:MaxRAMPercentage=50 -XX:InitialRAMPercentage=5 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp" \
    STATE_DIR=/var/lib/metrics-stream/state
EXPOSE 8443
ENTRYPOINT ["java", "-cp", "/app/lib/*", "dev.metricsstream.combined.CombinedMain"]

# ---- kubelet-simulator: the test kit's simulated kubelets, for docker-compose ----
FROM runtime AS kubelet-simulator
COPY --from=build /out/testkit/ /app/lib/
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -Djava.io.tmpdir=/tmp"
EXPOSE 10250
ENTRYPOINT ["java", "-cp", "/app/lib/*", "dev.metricsstream.testkit.kubelet.KubeletSimulatorMain"]
