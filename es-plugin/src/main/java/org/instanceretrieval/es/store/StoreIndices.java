package org.instanceretrieval.es.store;

import org.instanceretrieval.es.model.ModelIndex;
import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.Version;
import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.index.IndexNotFoundException;
import org.elasticsearch.index.mapper.MapperService;
import org.elasticsearch.indices.SystemIndexDescriptor;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentFactory;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What the plugin's system indices (models, whitenings, ground truths, diffusion builds) share: one
 * descriptor shape and the reading of "the index does not exist yet" (a managed system index is
 * created on its first write, so until then every read means "nothing stored").
 */
public final class StoreIndices {

    private StoreIndices() {}

    /**
     * A managed, "net-new", hidden system index of one shard with {@code auto_expand_replicas:
     * 0-1} (a copy on a second node when there is one, like Elasticsearch's own internal
     * indices), accessed with the origin {@link ModelIndex#ORIGIN}, whose mappings carry their
     * version under {@code _meta.version}.
     */
    public static SystemIndexDescriptor descriptor(String indexPattern, String primaryIndex, String description, XContentBuilder mappings) {
        return SystemIndexDescriptor.builder()
            .setIndexPattern(indexPattern)
            .setPrimaryIndex(primaryIndex)
            .setDescription(description)
            .setMappings(mappings)
            .setSettings(
                Settings.builder()
                    .put(IndexMetadata.SETTING_NUMBER_OF_SHARDS, 1)
                    .put(IndexMetadata.SETTING_AUTO_EXPAND_REPLICAS, "0-1")
                    .put(IndexMetadata.SETTING_INDEX_HIDDEN, true)
                    .build()
            )
            .setOrigin(ModelIndex.ORIGIN)
            .setVersionMetaKey("version")
            .setNetNew()
            .build();
    }

    /** Writes the properties of a store index's mappings into the open {@code properties} object. */
    @FunctionalInterface
    public interface Properties {
        void write(XContentBuilder properties) throws IOException;
    }

    /** {@link #descriptor} with the mappings of {@link #startStrictMappings}({@code mappingsVersion}) holding {@code properties}. */
    public static SystemIndexDescriptor descriptor(String indexPattern, String primaryIndex, String description, int mappingsVersion,
        Properties properties) {
        try {
            XContentBuilder b = startStrictMappings(mappingsVersion);
            properties.write(b);
            return descriptor(indexPattern, primaryIndex, description, b.endObject().endObject().endObject());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the mappings of a store index: versioned {@code _meta} (the node's version and
     * {@code mappingsVersion}), {@code dynamic: strict}, and an open {@code properties} object
     * for the caller to fill and close (two {@code endObject()} for properties and the mapping,
     * one for the document).
     */
    public static XContentBuilder startStrictMappings(int mappingsVersion) throws IOException {
        XContentBuilder b = XContentFactory.jsonBuilder().startObject().startObject(MapperService.SINGLE_MAPPING_NAME);
        b.startObject("_meta")
            .field("version", Version.CURRENT.toString())
            .field(SystemIndexDescriptor.VERSION_META_KEY, mappingsVersion)
            .endObject();
        b.field("dynamic", "strict");
        return b.startObject("properties");
    }

    /** Whether a failed read failed only because the store's index was never created. */
    public static boolean isIndexNotFound(Exception e) {
        return ExceptionsHelper.unwrapCause(e) instanceof IndexNotFoundException;
    }
}
