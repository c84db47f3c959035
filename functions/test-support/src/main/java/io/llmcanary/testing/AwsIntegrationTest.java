package io.llmcanary.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that talks to AWS APIs over HTTP: it gets an {@link AwsEndpoint} parameter wherever
 * it asks for one (see {@link AwsEndpointExtension} for where the endpoint comes from) and the
 * {@code integration} tag. Name such classes {@code *IT} so failsafe runs them in {@code verify}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(AwsEndpointExtension.class)
@Tag("integration")
public @interface AwsIntegrationTest {}
