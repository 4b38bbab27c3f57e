package cz.zoom.screenrec.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the client's packages (and the few types of this package) that other modules, the service
 * above all, may build on. The public classes of an unmarked place are the desktop client's own:
 * they may change with it. A service test checks that the service imports nothing unmarked.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PACKAGE, ElementType.TYPE})
public @interface PublicApi {}
