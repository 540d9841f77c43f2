package org.instanceretrieval.es.graph;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.GroupedActionListener;
import org.elasticsearch.action.support.SubscribableListener;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.cluster.ClusterChangedEvent;
import org.elasticsearch.cluster.ClusterStateListener;
import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.common.breaker.CircuitBreaker;
import org.elasticsearch.common.breaker.CircuitBreakingException;
import org.elasticsearch.common.settings.Setting;
import org.elasticsearch.common.unit.ByteSizeValue;
import org.elasticsearch.index.Index;
import org.instanceretrieval.diffusion.SparseMatrix;
import org.instanceretrieval.es.memory.RetrievalBreaker;
import org.instanceretrieval.es.rest.RequestParams;
import org.instanceretrieval.graph.GraphAffinity;
import org.instanceretrieval.graph.StoredGraph;
import org.instanceretrieval.memory.Reservation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's cache of whole stored neighbour graphs (one per node, a plugin component), for whole-index diffusion and the
 * offline row build. Key: (index UUID, field, the marker's build task), so a rebuild is a new key. Value: the graph in compact
 * form ({@link StoredGraph}) and, per requested (k, gamma), its normalised affinity S ({@link GraphAffinity}).
 *
 * <p>Loaded lazily on first use, one load per key at a time (later callers wait for it): the lists of every shard through
 * {@link ShardGraphAction}. Everything cached is charged to the {@code retrieval} circuit breaker for as long as it is cached,
 * and bounded by the node setting {@value #MAX_BYTES_KEY} (dynamic: a lower limit drops entries at once); to make room the least recently used entries not being
 * loaded are dropped. A graph or S that does not fit answers 429 {@code circuit_breaking_exception} naming the setting.
 * Entries are dropped (and their bytes released) when the index is deleted or closed, or its marker no longer names the same
 * {@code done} graph (rebuild, delete, failed), checked on every cluster metadata change. Thread-safe.
 */
public final class StoredGraphCache implements ClusterStateListener {

    public static final String MAX_BYTES_KEY = "retrieval.graph.cache.max_bytes";
    /** Most heap the cache may hold (graphs and their S); default 25% of the heap. */
    public static final Setting<ByteSizeValue> MAX_BYTES = Setting.memorySizeSetting(MAX_BYTES_KEY, "25%", Setting.Property.NodeScope,
        Setting.Property.Dynamic);

    /** A graph and one of its S. */
    public record Loaded(StoredGraph graph, SparseMatrix affinity) {}

    private record Key(String indexUuid, String field, String task) {}

    private final class Entry {
        final Key key;
        final Index index;
        final SubscribableListener<StoredGraph> graph = new SubscribableListener<>();
        final Map<String, SubscribableListener<SparseMatrix>> affinities = new HashMap<>();
        Reservation memory; // guarded by the cache
        long lastUsed;

        Entry(Key key, Index index) {
            this.key = key;
            this.index = index;
        }
    }

    private final RetrievalBreaker breaker;
    private final Executor executor;
    private final Map<Key, Entry> entries = new HashMap<>();
    private volatile long maxBytes;
    private long clock;
    private final AtomicLong loads = new AtomicLong();
    private final AtomicLong affinityBuilds = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();

    /** @param executor where graphs and S are built (not a transport thread) */
    public StoredGraphCache(RetrievalBreaker breaker, Executor executor, long maxBytes) {
        this.breaker = breaker;
        this.executor = executor;
        this.maxBytes = maxBytes;
    }

    /** A new limit; cached graphs beyond it are dropped at once, least recently used first. */
    public synchronized void setMaxBytes(ByteSizeValue value) {
        this.maxBytes = value.getBytes();
        while (used() > maxBytes) {
            Entry oldest = leastRecentlyUsed(null);
            if (oldest == null) {
                return;
            }
            evict(oldest);
        }
    }

    /** The least recently used loaded entry other than {@code except}, or null. */
    private Entry leastRecentlyUsed(Entry except) {
        Entry oldest = null;
        for (Entry e : entries.values()) {
            if (e != except && e.graph.isDone() && (oldest == null || e.lastUsed < oldest.lastUsed)) {
                oldest = e;
            }
        }
        return oldest;
    }

    /**
     * The graph of {@code index} described by {@code marker} (a {@code done} marker, see {@link GraphMarkers#requireUsable}) and
     * its S for (k, gamma), loading what is not cached. Completes on the cache's executor or the caller's thread.
     */
    public void get(Client client, IndexMetadata metadata, GraphMarker marker, int k, double gamma, ActionListener<Loaded> listener) {
        Index index = metadata.getIndex();
        Key key = new Key(index.getUUID(), marker.field(), marker.task());
        Entry entry;
        boolean load = false;
        synchronized (this) {
            entry = entries.get(key);
            if (entry == null) {
                entry = new Entry(key, index);
                entries.put(key, entry);
                load = true;
            }
            entry.lastUsed = ++clock;
        }
        if (load) {
            load(client, entry, metadata.getNumberOfShards(), marker.k());
        }
        Entry e = entry;
        e.graph.addListener(listener.delegateFailureAndWrap((l, graph) -> affinity(e, graph, k, gamma,
            l.map(s -> new Loaded(graph, s)))));
    }

    private void load(Client client, Entry entry, int shards, int storedK) {
        loads.incrementAndGet();
        String field = GraphFields.neighbours(entry.key.field());
        ActionListener<Collection<ShardGraphAction.Result>> all = ActionListener.wrap(responses -> executor.execute(() -> {
            try {
                entry.graph.onResponse(build(entry, new ArrayList<>(responses), storedK));
            } catch (Exception e) {
                failed(entry, e);
            }
        }), e -> failed(entry, e));
        GroupedActionListener<ShardGraphAction.Result> grouped = new GroupedActionListener<>(shards, all);
        for (int s = 0; s < shards; s++) {
            ShardGraphAction.INSTANCE.execute(client, entry.index.getName(), s, field, RequestParams.NONE, grouped);
        }
    }

    private StoredGraph build(Entry entry, List<ShardGraphAction.Result> responses, int storedK) {
        long received = 0;
        for (ShardGraphAction.Result r : responses) {
            received += r.bytes();
        }
        String label = "stored neighbour graph of index [" + entry.index.getName() + "] field [" + entry.key.field() + "]";
        StoredGraph graph;
        try (Reservation building = breaker.reserve(received, label + " (shard lists received)")) {
            graph = StoredGraph.of(responses, storedK, building);
        }
        hold(entry, graph.bytes(), label);
        return graph;
    }

    private void affinity(Entry entry, StoredGraph graph, int k, double gamma, ActionListener<SparseMatrix> listener) {
        String name = k + "/" + gamma;
        SubscribableListener<SparseMatrix> s;
        boolean build = false;
        synchronized (this) {
            s = entry.affinities.get(name);
            if (s == null) {
                s = new SubscribableListener<>();
                entry.affinities.put(name, s);
                build = true;
            }
        }
        if (build) {
            SubscribableListener<SparseMatrix> target = s;
            affinityBuilds.incrementAndGet();
            executor.execute(() -> {
                String label = "diffusion affinity S (k " + k + ", gamma " + gamma + ") of index [" + entry.index.getName() + "]";
                try (Reservation building = breaker.reserve(GraphAffinity.transientBytes(graph.size(), k), label + " while built")) {
                    SparseMatrix matrix = GraphAffinity.normalized(graph, k, gamma);
                    building.close();
                    hold(entry, GraphAffinity.bytes(graph.size(), matrix.nonZeros()), label);
                    target.onResponse(matrix);
                } catch (Exception e) {
                    synchronized (this) {
                        entry.affinities.remove(name, target);
                    }
                    target.onFailure(e);
                }
            });
        }
        s.addListener(listener);
    }

    /** Charges {@code bytes} more to the entry, first dropping least recently used other entries to stay under the max. */
    private synchronized void hold(Entry entry, long bytes, String label) {
        if (entries.get(entry.key) != entry) {
            throw new IllegalStateException(label + " was dropped from the graph cache while it was loaded (index changed); retry");
        }
        while (used() + bytes > maxBytes) {
            Entry oldest = leastRecentlyUsed(entry);
            if (oldest == null) {
                throw new CircuitBreakingException("[retrieval graph cache] " + label + " needs [" + bytes + "] bytes but the cache holds ["
                    + used() + "] of its limit [" + maxBytes + "]; raise the node setting [" + MAX_BYTES_KEY + "]", bytes, maxBytes,
                    CircuitBreaker.Durability.TRANSIENT);
            }
            evict(oldest);
        }
        if (entry.memory == null) {
            entry.memory = breaker.reserve(bytes, label);
        } else {
            entry.memory.grow(bytes, label);
        }
    }

    private void failed(Entry entry, Exception e) {
        synchronized (this) {
            if (entries.get(entry.key) == entry) {
                evict(entry);
            }
        }
        entry.graph.onFailure(e);
    }

    private synchronized void evict(Entry entry) {
        entries.remove(entry.key);
        if (entry.memory != null) {
            entry.memory.close();
        }
        evictions.incrementAndGet();
    }

    /** Drops the entries whose index is gone or closed, or whose marker no longer names the same done graph. */
    @Override
    public void clusterChanged(ClusterChangedEvent event) {
        if (event.metadataChanged() == false) {
            return;
        }
        synchronized (this) {
            for (Entry entry : List.copyOf(entries.values())) {
                IndexMetadata index = event.state().metadata().index(entry.index.getName());
                GraphMarker marker = index == null ? null : GraphMarkers.marker(index);
                if (index == null || index.getIndexUUID().equals(entry.key.indexUuid()) == false || index.getState() != IndexMetadata.State.OPEN
                    || marker == null || marker.isDone() == false || marker.task().equals(entry.key.task()) == false
                    || marker.field().equals(entry.key.field()) == false) {
                    evict(entry);
                }
            }
        }
    }

    /** Where graphs, S and the solves over them run. */
    public Executor executor() {
        return executor;
    }

    /** Bytes the cached graphs and S hold (all charged to the retrieval breaker). */
    public synchronized long used() {
        long sum = 0;
        for (Entry e : entries.values()) {
            sum += e.memory == null ? 0 : e.memory.bytes();
        }
        return sum;
    }

    /** Number of graphs cached or loading. */
    public synchronized int size() {
        return entries.size();
    }

    /** Graph loads started since the node started. */
    public long loads() {
        return loads.get();
    }

    /** S built since the node started. */
    public long affinityBuilds() {
        return affinityBuilds.get();
    }

    /** Entries dropped since the node started. */
    public long evictions() {
        return evictions.get();
    }
}
