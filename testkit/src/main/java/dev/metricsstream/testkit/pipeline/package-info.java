/**
 * Running the services as a pipeline in tests.
 *
 * <ul>
 *   <li>{@link dev.metricsstream.testkit.pipeline.PipelineFixture}: each service's settings (the map its
 *       {@code XxxConfig.from(Map)} reads) for one broker, one set of topics and a simulated fleet, built once.</li>
 *   <li>{@link dev.metricsstream.testkit.pipeline.TruthCheck}: what was served against the simulator's truth, every
 *       miss named in one assertion; {@link dev.metricsstream.testkit.pipeline.RateHistory} for values that cover a
 *       window in which the true rate changed.</li>
 * </ul>
 */
package dev.metricsstream.testkit.pipeline;
