// One OpenSearch node started from the jars in target/lib (scripts/ci_opensearch.sh, the cluster
// test). The server's own launcher expects an unpacked distribution (modules/ directories with
// plugin descriptors, a security policy); Maven Central serves the same code as plain jars, so
// this starts the Node with those modules as classpath plugins instead.
// Usage: java -cp 'target/lib/*:target/classes' YqNode path/to/opensearch.yml
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.transport.Netty4Plugin;

public final class YqNode extends Node {
    private YqNode(Settings settings) {
        super(InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> "yq-node"),
              List.of(Netty4Plugin.class, CommonAnalysisPlugin.class, ReindexPlugin.class), true);
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.builder().loadFromPath(Path.of(args[0])).build();
        YqNode node = new YqNode(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM closes the node cleanly (flushes shards) before the JVM exits.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
            stopped.countDown();
        }));
        node.start();
        System.out.println("yq-node started");
        stopped.await();
    }
}
