import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.ChangeEvent;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * Test harness for channelkit's engine tests (tests/engines/debezium.py drives it; nothing here is mocked).
 *
 * <pre>
 *   run      PROPS OUT.jsonl STATUS.json   run Debezium's embedded engine on PROPS until "stop" arrives on stdin
 *   validate PROPS OUT.json                Connector.validate(PROPS) + instantiate the configured SMTs/converters
 * </pre>
 *
 * <p>run: the engine applies the config's own {@code transforms.*} (the embedded engine runs SMTs itself); each
 * transformed SourceRecord is then serialized with the converters the config names ({@code key.converter},
 * {@code value.converter}, configured with their {@code key.converter.*}/{@code value.converter.*} keys, as a
 * Connect worker does) and written as one JSON line {topic, key, value, headers}. Lines are flushed before the
 * batch is marked processed, so every committed offset has its record on disk. STATUS.json receives the engine's
 * completion (success flag, message, stack trace) when it stops, for any reason.
 */
public final class EngineHarness {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EngineHarness() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: EngineHarness run PROPS OUT STATUS | validate PROPS OUT");
            System.exit(2);
        }
        Properties props = load(args[1]);
        switch (args[0]) {
            case "run" -> System.exit(run(props, Path.of(args[2]), Path.of(args[3])));
            case "validate" -> System.exit(validate(props, Path.of(args[2])));
            default -> {
                System.err.println("unknown mode " + args[0]);
                System.exit(2);
            }
        }
    }

    private static Properties load(String file) throws Exception {
        Properties props = new Properties();
        try (var in = new InputStreamReader(new FileInputStream(file), StandardCharsets.UTF_8)) {
            props.load(in);
        }
        return props;
    }

    private static Map<String, Object> prefixed(Properties props, String prefix) {
        Map<String, Object> out = new HashMap<>();
        for (String name : props.stringPropertyNames()) {
            if (name.startsWith(prefix)) {
                out.put(name.substring(prefix.length()), props.getProperty(name));
            }
        }
        return out;
    }

    private static Converter converter(Properties props, String key, boolean isKey) throws Exception {
        String cls = props.getProperty(key, "org.apache.kafka.connect.json.JsonConverter");
        Converter c = (Converter) Class.forName(cls).getDeclaredConstructor().newInstance();
        c.configure(prefixed(props, key + "."), isKey);
        return c;
    }

    private static HeaderConverter headerConverter(Properties props) throws Exception {
        String cls = props.getProperty("header.converter", SimpleHeaderConverter.class.getName());
        HeaderConverter c = (HeaderConverter) Class.forName(cls).getDeclaredConstructor().newInstance();
        c.configure(prefixed(props, "header.converter."));
        return c;
    }

    private static JsonNode bytesToJson(byte[] bytes) throws Exception {
        if (bytes == null) {
            return JSON.nullNode();
        }
        return JSON.readTree(bytes);
    }

    private static String stackTrace(Throwable t) {
        if (t == null) {
            return null;
        }
        StringWriter sw = new StringWriter();
        t.printStackTrace(new PrintWriter(sw));
        return sw.toString();
    }

    private static void writeAtomically(Path path, JsonNode node) throws Exception {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static int run(Properties props, Path out, Path status) throws Exception {
        Converter keyConverter = converter(props, "key.converter", true);
        Converter valueConverter = converter(props, "value.converter", false);
        HeaderConverter headers = headerConverter(props);
        Writer writer = new OutputStreamWriter(new FileOutputStream(out.toFile(), true), StandardCharsets.UTF_8);

        DebeziumEngine.ChangeConsumer<ChangeEvent<SourceRecord, SourceRecord>> consumer = (records, committer) -> {
            try {
                for (ChangeEvent<SourceRecord, SourceRecord> event : records) {
                    SourceRecord r = event.value();
                    ObjectNode line = JSON.createObjectNode();
                    line.put("topic", r.topic());
                    line.set("key", bytesToJson(keyConverter.fromConnectData(r.topic(), r.keySchema(), r.key())));
                    line.set("value", bytesToJson(
                            valueConverter.fromConnectData(r.topic(), r.valueSchema(), r.value())));
                    ObjectNode hs = JSON.createObjectNode();
                    for (Header h : r.headers()) {
                        byte[] b = headers.fromConnectHeader(r.topic(), h.key(), h.schema(), h.value());
                        hs.put(h.key(), b == null ? null : new String(b, StandardCharsets.UTF_8));
                    }
                    line.set("headers", hs);
                    writer.write(JSON.writeValueAsString(line));
                    writer.write('\n');
                }
                writer.flush();
                for (ChangeEvent<SourceRecord, SourceRecord> event : records) {
                    committer.markProcessed(event);
                }
                committer.markBatchFinished();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw e;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        };

        Object lock = new Object();
        boolean[] done = {false};
        DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> engine = DebeziumEngine.create(Connect.class)
                .using(props)
                .notifying(consumer)
                .using((success, message, error) -> {
                    ObjectNode s = JSON.createObjectNode();
                    s.put("success", success);
                    s.put("message", message);
                    s.put("error", error == null ? (String) null : error.toString());
                    s.put("stack", (String) stackTrace(error));
                    Throwable cause = error;
                    ArrayNode causes = s.putArray("causes");
                    while (cause != null) {
                        causes.add(cause.toString());
                        cause = cause.getCause() == cause ? null : cause.getCause();
                    }
                    try {
                        writeAtomically(status, s);
                    } catch (Exception e) {
                        e.printStackTrace();
                    }
                    synchronized (lock) {
                        done[0] = true;
                        lock.notifyAll();
                    }
                })
                .build();

        ExecutorService executor = Executors.newSingleThreadExecutor();
        executor.execute(engine);

        // Control: the Python side writes "stop" (or closes stdin) to stop the engine gracefully.
        Thread control = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String cmd;
                while ((cmd = in.readLine()) != null) {
                    if (cmd.trim().equals("stop")) {
                        break;
                    }
                }
            } catch (Exception e) {
                e.printStackTrace();
            }
            try {
                engine.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "harness-control");
        control.setDaemon(true);
        control.start();

        synchronized (lock) {
            while (!done[0]) {
                lock.wait(1000);
            }
        }
        executor.shutdown();
        executor.awaitTermination(30, TimeUnit.SECONDS);
        writer.close();
        return 0;
    }

    private static int validate(Properties props, Path out) throws Exception {
        ObjectNode result = JSON.createObjectNode();
        Map<String, String> config = new HashMap<>();
        for (String name : props.stringPropertyNames()) {
            config.put(name, props.getProperty(name));
        }

        Connector connector = (Connector) Class.forName(props.getProperty("connector.class"))
                .getDeclaredConstructor().newInstance();
        result.put("connector", connector.getClass().getName());
        result.put("version", connector.version());
        Config validated = connector.validate(config);
        ObjectNode fields = result.putObject("fields");
        for (ConfigValue value : validated.configValues()) {
            ObjectNode f = fields.putObject(value.name());
            f.put("value", value.value() == null ? null : String.valueOf(value.value()));
            ArrayNode errors = f.putArray("errors");
            value.errorMessages().forEach(errors::add);
        }
        // The schema history's own fields (the connector's ConfigDef does not list them): validated with the
        // history class the config names (KafkaSchemaHistory by default), as the connector does at start.
        java.util.Set<String> known = new java.util.HashSet<>(connector.config().names());
        known.addAll(org.apache.kafka.connect.runtime.ConnectorConfig.configDef().names());
        known.addAll(org.apache.kafka.connect.runtime.SourceConnectorConfig.configDef().names());
        ObjectNode history = result.putObject("schema_history");
        if (config.keySet().stream().anyMatch(k -> k.startsWith("schema.history.internal"))) {
            String cls = config.getOrDefault("schema.history.internal",
                    "io.debezium.storage.kafka.history.KafkaSchemaHistory");
            history.put("class", cls);
            var allFields = (io.debezium.config.Field.Set) Class.forName(cls).getField("ALL_FIELDS").get(null);
            var validatedHistory = io.debezium.config.Configuration.from(config).validate(allFields);
            ObjectNode hf = history.putObject("fields");
            for (var e : validatedHistory.entrySet()) {
                known.add(e.getKey());
                ArrayNode errs = hf.putObject(e.getKey()).putArray("errors");
                e.getValue().errorMessages().forEach(errs::add);
            }
        }
        // Keys nobody knows (a typo would land here): not the connector's, not Connect's, not a plugin prefix.
        ArrayNode unknown = result.putArray("unknown_keys");
        List<String> pluginPrefixes = List.of("transforms.", "predicates.", "key.converter.", "value.converter.",
                "header.converter.");
        // Kafka client settings under the prefixes Kafka Connect (KIP-458 client overrides) and Debezium (its own
        // schema-history clients) pass through: the rest of the name must be a real client setting.
        java.util.Map<String, java.util.Set<String>> clientPrefixes = java.util.Map.of(
                "producer.override.", org.apache.kafka.clients.producer.ProducerConfig.configNames(),
                "consumer.override.", org.apache.kafka.clients.consumer.ConsumerConfig.configNames(),
                "admin.override.", org.apache.kafka.clients.admin.AdminClientConfig.configNames(),
                "schema.history.internal.producer.", org.apache.kafka.clients.producer.ProducerConfig.configNames(),
                "schema.history.internal.consumer.", org.apache.kafka.clients.consumer.ConsumerConfig.configNames());
        for (String name : new java.util.TreeSet<>(config.keySet())) {
            boolean client = clientPrefixes.entrySet().stream().anyMatch(
                    p -> name.startsWith(p.getKey()) && p.getValue().contains(name.substring(p.getKey().length())));
            if (!known.contains(name) && !fields.has(name) && !client
                    && pluginPrefixes.stream().noneMatch(name::startsWith)) {
                unknown.add(name);
            }
        }

        ObjectNode smts = result.putObject("transforms");
        String aliases = props.getProperty("transforms", "");
        for (String alias : aliases.split(",")) {
            alias = alias.trim();
            if (alias.isEmpty()) {
                continue;
            }
            ObjectNode t = smts.putObject(alias);
            String prefix = "transforms." + alias + ".";
            String cls = props.getProperty(prefix + "type");
            t.put("type", cls);
            try {
                @SuppressWarnings("unchecked")
                Transformation<SourceRecord> smt = (Transformation<SourceRecord>) Class.forName(cls)
                        .getDeclaredConstructor().newInstance();
                Map<String, Object> smtConfig = prefixed(props, prefix);
                smtConfig.remove("type");
                Map<String, String> smtStrings = new HashMap<>();
                smtConfig.forEach((k, v) -> smtStrings.put(k, String.valueOf(v)));
                List<String> errors = new ArrayList<>();
                for (ConfigValue v : smt.config().validate(smtStrings)) {
                    errors.addAll(v.errorMessages().stream().map(m -> v.name() + ": " + m).toList());
                }
                smt.configure(smtConfig);
                smt.close();
                ArrayNode e = t.putArray("errors");
                errors.forEach(e::add);
                t.put("configured", true);
            } catch (Exception e) {
                t.put("configured", false);
                t.putArray("errors").add(e.toString());
            }
        }

        ObjectNode converters = result.putObject("converters");
        for (String key : List.of("key.converter", "value.converter")) {
            ObjectNode c = converters.putObject(key);
            c.put("class", props.getProperty(key));
            try {
                Converter conv = converter(props, key, key.startsWith("key"));
                c.put("configured", true);
                c.put("instance", conv.getClass().getName());
                conv.close();
            } catch (Exception e) {
                c.put("configured", false);
                c.put("error", e.toString());
            }
        }
        writeAtomically(out, result);
        return 0;
    }
}
