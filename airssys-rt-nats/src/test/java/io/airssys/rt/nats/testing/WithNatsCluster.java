package io.airssys.rt.nats.testing;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a real {@link NatsCluster} for the annotated test class: started before its first test, closed after
 * its last, shared by its tests and its {@code @Nested} classes. The running cluster is injected into every
 * field of type {@link NatsCluster} (static or not, not final) and resolved as a parameter of that type
 * (constructor, lifecycle and test methods).
 *
 * <pre>{@code
 * @WithNatsCluster(servers = 3)
 * class RegistryRaceTest {
 *     static NatsCluster cluster;
 *
 *     @Test
 *     void oneWinnerPerKey() throws Exception {
 *         try (NatsClients oneOnEachServer = cluster.connect(0, 1, 2)) { ... }
 *     }
 *
 *     @Test
 *     void survivesTheLossOfAServer(NatsCluster sameCluster) throws Exception {
 *         try (NatsClients client = NatsClients.connect(cluster.clientOptions().build())) {
 *             cluster.kill(1);
 *             ...
 *             cluster.restart(1);
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Ports are picked free at start, so test classes may run in parallel. If nats-server is not installed
 * the class fails with {@link NatsServerNotInstalledException}, which says how to install it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(NatsClusterExtension.class)
public @interface WithNatsCluster {

    /** How many servers: 1 for a single server, 3 for a JetStream cluster that supports replicas 3. */
    int servers() default 1;

    /** If not empty, clients must log in as this user with {@link #password()}. */
    String user() default "";

    /** The password of {@link #user()}. */
    String password() default "";

    /** If not empty, clients must present this token. */
    String token() default "";

    /** Clients must connect with TLS (a test CA and server certificate are generated at start). */
    boolean tls() default false;

    /** As {@link #tls()}, and clients must also present a certificate signed by the test CA. */
    boolean mutualTls() default false;

    /** Seconds a start or restart may take until every server is ready. */
    int startTimeoutSeconds() default 20;
}
