package io.airssys.rt.nats.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ModifierSupport;
import org.junit.platform.commons.support.ReflectionSupport;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Optional;

/**
 * The extension behind {@link WithNatsCluster}: one {@link NatsCluster} per annotated class, kept in the
 * class's {@link ExtensionContext.Store}. A {@code @Nested} class (not annotated itself) finds its enclosing
 * class's cluster in the parent store and shares it; only the class that started a cluster closes it.
 */
public final class NatsClusterExtension
        implements BeforeAllCallback, AfterAllCallback, TestInstancePostProcessor, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(NatsClusterExtension.class);
    private static final String CLUSTER = "cluster";
    private static final String OWNED = "owned-cluster";

    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        NatsCluster inherited = store.get(CLUSTER, NatsCluster.class); // the enclosing class's, if nested
        Optional<WithNatsCluster> annotation = AnnotationSupport.findAnnotation(testClass, WithNatsCluster.class);
        NatsCluster cluster;
        if (inherited != null && annotation.isEmpty()) {
            cluster = inherited;
        } else {
            WithNatsCluster settings = annotation.orElseThrow(() -> new ExtensionConfigurationException(
                    testClass.getName() + " uses NatsClusterExtension without @WithNatsCluster"));
            cluster = start(settings, testClass);
            store.put(CLUSTER, cluster);
            store.put(OWNED, cluster);
        }
        injectFields(testClass, null, cluster, true);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        NatsCluster owned = context.getStore(NAMESPACE).remove(OWNED, NatsCluster.class);
        if (owned != null) {
            context.getStore(NAMESPACE).remove(CLUSTER);
            owned.close();
        }
    }

    @Override
    public void postProcessTestInstance(Object testInstance, ExtensionContext context) {
        injectFields(testInstance.getClass(), testInstance, cluster(context), false);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == NatsCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return cluster(extensionContext);
    }

    private static NatsCluster start(WithNatsCluster settings, Class<?> testClass) {
        NatsCluster.Builder builder = NatsCluster.builder()
                .servers(settings.servers())
                .name(testClass.getSimpleName().isEmpty() ? "anonymous" : testClass.getSimpleName())
                .startTimeout(Duration.ofSeconds(settings.startTimeoutSeconds()));
        if (!settings.user().isEmpty()) {
            builder.userPassword(settings.user(), settings.password());
        } else if (!settings.password().isEmpty()) {
            throw new ExtensionConfigurationException("@WithNatsCluster on " + testClass.getName()
                    + " sets a password without a user");
        }
        if (!settings.token().isEmpty()) {
            if (!settings.user().isEmpty()) {
                throw new ExtensionConfigurationException("@WithNatsCluster on " + testClass.getName()
                        + " sets both a user and a token; nats-server takes one of them");
            }
            builder.token(settings.token());
        }
        if (settings.mutualTls()) {
            builder.mutualTls();
        } else if (settings.tls()) {
            builder.tls();
        }
        return builder.start();
    }

    private static NatsCluster cluster(ExtensionContext context) {
        NatsCluster cluster = context.getStore(NAMESPACE).get(CLUSTER, NatsCluster.class);
        if (cluster == null) {
            throw new ExtensionConfigurationException("no NatsCluster is running for "
                    + context.getDisplayName() + ": is its class annotated with @WithNatsCluster?");
        }
        return cluster;
    }

    private static void injectFields(Class<?> type, Object instance, NatsCluster cluster, boolean statics) {
        for (Field field : ReflectionSupport.findFields(type,
                f -> f.getType() == NatsCluster.class && ModifierSupport.isStatic(f) == statics,
                HierarchyTraversalMode.TOP_DOWN)) {
            if (ModifierSupport.isFinal(field)) {
                throw new ExtensionConfigurationException("field " + field + " must not be final: "
                        + "@WithNatsCluster injects the running cluster into it");
            }
            try {
                field.setAccessible(true);
                field.set(instance, cluster);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new ExtensionConfigurationException("could not inject the NatsCluster into " + field, e);
            }
        }
    }
}
