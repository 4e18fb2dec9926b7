package io.airssys.rt.ref;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link io.airssys.rt.ActorRef} promises at compile time, checked by running javac: a
 * message of the actor's protocol compiles and its result type is inferred; a message of
 * another protocol, or a plain {@code Message}, does not compile.
 */
class ActorRefCompileTest {

    private static final String PROTOCOLS = """
            package p;
            import io.airssys.rt.*;
            import java.util.concurrent.CompletableFuture;
            interface Account<R> extends Request<Account<?>, R> {}
            record GetBalance() implements Account<Double> {}
            record Deposit(double amount) implements Account<Void> {}
            interface Shop {}
            record Buy(String item) implements Shop, Request<Shop, Integer> {}
            record Ping() implements Message<String> {}
            """;

    @TempDir
    Path out;

    private List<String> compile(String body) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        String source = PROTOCOLS + "class Use { void use(ActorRef<Account<?>> account, ActorRef<Shop> shop) {\n"
                + body + "\n} }\n";
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///p/Use.java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        List<String> options = List.of("-classpath", System.getProperty("java.class.path")
                + File.pathSeparator + System.getProperty("jdk.module.path", ""), "-d", out.toString(),
                "-Xlint:all", "-Werror");
        boolean ok = javac.getTask(null, null, diagnostics, options, null, List.of(file)).call();
        List<String> errors = diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR || d.getKind() == Diagnostic.Kind.WARNING)
                .map(d -> d.getMessage(null)).collect(Collectors.toList());
        assertThat(ok).as("compiled without errors: %s", errors).isEqualTo(errors.isEmpty());
        return errors;
    }

    @Test
    void messagesOfTheProtocolCompileAndTheirResultTypeIsInferred() {
        assertThat(compile("""
                CompletableFuture<Double> balance = account.ask(new GetBalance());
                account.tell(new Deposit(1));
                CompletableFuture<Integer> n = shop.ask(new Buy("x"));
                """)).isEmpty();
    }

    @Test
    void aMessageOfAnotherProtocolDoesNotCompile() {
        assertThat(compile("account.ask(new Buy(\"x\"));")).isNotEmpty();
        assertThat(compile("shop.ask(new GetBalance());")).isNotEmpty();
    }

    @Test
    void aPlainMessageDoesNotCompile() {
        assertThat(compile("account.ask(new Ping());")).isNotEmpty();
    }

    @Test
    void aRequestIsNotTellableUnlessItsResultIsVoid() {
        assertThat(compile("account.tell(new GetBalance());")).isNotEmpty();
    }

    @Test
    void aWrongResultTypeDoesNotCompile() {
        assertThat(compile("CompletableFuture<String> s = account.ask(new GetBalance());")).isNotEmpty();
    }
}
