package io.llmcanary.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A class loader that sees one jar (a function's deployable jar) and the JDK, nothing of the test's class path,
 * plus the few test classes it is given ("probes"). A probe is defined here from its own class file, so it links
 * against the jar's classes, not the test's, and shares their runtime packages: a probe in the handler's package
 * may call the handler's package-private wiring. A class the jar lacks but the code needs fails here with
 * {@code NoClassDefFoundError}, as it would in Lambda.
 *
 * <p>Pass only JDK types (String, Map, List, numbers) between the test and a probe: any other class exists twice,
 * once per loader.
 */
public final class JarOnlyClassLoader extends URLClassLoader {

  static {
    registerAsParallelCapable();
  }

  private final List<Class<?>> probes;

  public JarOnlyClassLoader(Path jar, Class<?>... probes) {
    super(new URL[] {url(jar)}, ClassLoader.getPlatformClassLoader());
    this.probes = List.of(probes);
  }

  private static URL url(Path jar) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException(jar + " does not exist (build it with package first)");
    }
    try {
      return jar.toUri().toURL();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    for (Class<?> probe : probes) {
      if (name.equals(probe.getName()) || name.startsWith(probe.getName() + "$")) {
        String file = name.replace('.', '/') + ".class";
        try (InputStream in = probe.getClassLoader().getResourceAsStream(file)) {
          if (in == null) {
            throw new ClassNotFoundException(name + ": no " + file + " beside the probe");
          }
          byte[] bytes = in.readAllBytes();
          return defineClass(name, bytes, 0, bytes.length);
        } catch (IOException e) {
          throw new ClassNotFoundException(name, e);
        }
      }
    }
    return super.findClass(name);
  }

  /**
   * Calls the public static method {@code method} of the probe's copy in this loader. An exception the method
   * throws is rethrown as it is (an unchecked one) or wrapped (a checked one).
   */
  public Object call(Class<?> probe, String method, Object... args) {
    if (!probes.contains(probe)) {
      throw new IllegalArgumentException(probe.getName() + " is not a probe of this loader");
    }
    try {
      Class<?> copy = loadClass(probe.getName());
      Method m = Arrays.stream(copy.getMethods())
          .filter(x -> x.getName().equals(method) && Modifier.isStatic(x.getModifiers())
              && x.getParameterCount() == args.length)
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no public static " + method + " with " + args.length
              + " parameters in " + probe.getName()));
      return m.invoke(null, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(probe.getName() + "." + method + " failed: " + cause, cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot call " + probe.getName() + "." + method + ": " + e, e);
    }
  }
}
