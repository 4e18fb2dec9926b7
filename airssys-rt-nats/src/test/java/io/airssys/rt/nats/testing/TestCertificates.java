package io.airssys.rt.nats.testing;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority for TLS tests, made at test time with the JDK's {@code keytool}: a CA,
 * a server certificate for 127.0.0.1 / localhost and a client certificate, all EC P-256, valid for two days.
 * The PEM files are what nats-server reads ({@code --tlscert}, {@code --tlskey}, {@code --tlscacert});
 * {@link #clientContext} is what a jnats client uses. Nothing here is a secret worth keeping: the files live
 * in the cluster's temporary storage and are deleted with it.
 */
public final class TestCertificates {

    private static final char[] STORE_PASSWORD = "airssys-test".toCharArray();
    private static final long KEYTOOL_TIMEOUT_SECONDS = 30;

    private final Path directory;
    private final Path caPem;
    private final Path serverCertPem;
    private final Path serverKeyPem;
    private final Path clientStore;
    private final Path keyStore;

    private TestCertificates(Path directory) {
        this.directory = directory;
        this.caPem = directory.resolve("ca.pem");
        this.serverCertPem = directory.resolve("server-cert.pem");
        this.serverKeyPem = directory.resolve("server-key.pem");
        this.clientStore = directory.resolve("client.p12");
        this.keyStore = directory.resolve("keys.p12");
    }

    /** Generates a CA, a server and a client certificate into {@code directory} (created if missing). */
    public static TestCertificates generate(Path directory) {
        TestCertificates certificates = new TestCertificates(directory);
        try {
            Files.createDirectories(directory);
            certificates.generateAll();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not generate test certificates in " + directory, e);
        }
        return certificates;
    }

    /** The CA certificate (PEM): what nats-server verifies client certificates against. */
    public Path caPem() {
        return caPem;
    }

    /** The server certificate (PEM) with subject alternative names ip:127.0.0.1 and dns:localhost. */
    public Path serverCertPem() {
        return serverCertPem;
    }

    /** The server's private key (PKCS#8 PEM). */
    public Path serverKeyPem() {
        return serverKeyPem;
    }

    /**
     * A client TLS context that trusts the test CA, presenting the client certificate if
     * {@code withClientCertificate} (for servers started with {@code --tlsverify}).
     */
    public SSLContext clientContext(boolean withClientCertificate) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", readCertificate(caPem));
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            KeyManagerFactory keyManagers = null;
            if (withClientCertificate) {
                keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keyManagers.init(loadStore(clientStore), STORE_PASSWORD);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not build a client TLS context from " + directory, e);
        }
    }

    /**
     * Three keytool runs (each starts a JVM, about a second on a small machine), all in one key store: the
     * CA, then a server and a client key pair whose certificates the CA signs ({@code -signer}, JDK 20+).
     * The PEM files and client key store are then written from that store in this JVM.
     */
    private void generateAll() throws IOException, GeneralSecurityException {
        keytool("-genkeypair", "-alias", "ca", "-dname", "CN=airssys test CA", "-ext", "bc:c");
        keytool("-genkeypair", "-alias", "server", "-dname", "CN=127.0.0.1", "-signer", "ca",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-ext", "KU=digitalSignature", "-ext", "EKU=serverAuth");
        keytool("-genkeypair", "-alias", "client", "-dname", "CN=airssys test client", "-signer", "ca",
                "-ext", "KU=digitalSignature", "-ext", "EKU=clientAuth");
        KeyStore all = loadStore(keyStore);
        Certificate ca = all.getCertificate("ca");
        Files.writeString(caPem, pem("CERTIFICATE", ca.getEncoded()), StandardCharsets.US_ASCII);
        Files.writeString(serverKeyPem, pem("PRIVATE KEY", all.getKey("server", STORE_PASSWORD).getEncoded()),
                StandardCharsets.US_ASCII);
        Files.writeString(serverCertPem, pem("CERTIFICATE", all.getCertificate("server").getEncoded())
                + pem("CERTIFICATE", ca.getEncoded()), StandardCharsets.US_ASCII);
        KeyStore client = KeyStore.getInstance("PKCS12");
        client.load(null, null);
        client.setKeyEntry("client", all.getKey("client", STORE_PASSWORD), STORE_PASSWORD,
                new Certificate[] {all.getCertificate("client"), ca});
        try (OutputStream out = Files.newOutputStream(clientStore)) {
            client.store(out, STORE_PASSWORD);
        }
    }

    private void keytool(String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        // a short-lived JVM: skip the optimizing compiler and the parallel GC's setup (halves its start)
        command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
        command.addAll(List.of(arguments));
        command.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", new String(STORE_PASSWORD),
                "-noprompt"));
        if (List.of(arguments).contains("-signer")) {
            command.addAll(List.of("-signerkeypass", new String(STORE_PASSWORD)));
        }
        Path output = directory.resolve("keytool.out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(output.toFile())).start();
        try {
            if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool " + arguments[0] + " did not finish within " + KEYTOOL_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool " + arguments[0], e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", arguments) + " failed with exit code "
                    + process.exitValue() + ": " + Files.readString(output));
        }
    }

    private static KeyStore loadStore(Path store) throws IOException, GeneralSecurityException {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, STORE_PASSWORD);
        }
        return keyStore;
    }

    private static Certificate readCertificate(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
