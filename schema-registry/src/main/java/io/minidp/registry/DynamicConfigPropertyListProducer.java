package io.minidp.registry;

import io.apicurio.common.apps.config.DynamicConfigPropertyList;
import java.util.List;
import javax.enterprise.context.ApplicationScoped;
import javax.enterprise.inject.Produces;
import javax.inject.Singleton;

/**
 * Apicurio builds the list of properties that may be changed at run time in a Quarkus extension
 * whose deployment artifact is not on Maven Central. Without it the registry cannot start, so this
 * provides the list, empty: every setting comes from the environment at start-up instead.
 */
@ApplicationScoped
public class DynamicConfigPropertyListProducer {

    @Produces
    @Singleton
    DynamicConfigPropertyList dynamicConfigPropertyList() {
        return new DynamicConfigPropertyList(List.of());
    }
}
