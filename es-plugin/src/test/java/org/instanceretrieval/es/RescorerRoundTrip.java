package org.instanceretrieval.es;

import org.elasticsearch.common.io.stream.BytesStreamOutput;
import org.elasticsearch.common.io.stream.NamedWriteableAwareStreamInput;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.search.SearchModule;
import org.elasticsearch.search.rescore.RescorerBuilder;
import org.elasticsearch.xcontent.NamedXContentRegistry;
import org.elasticsearch.xcontent.XContentParser;
import org.elasticsearch.xcontent.XContentParserConfiguration;
import org.elasticsearch.xcontent.json.JsonXContent;

import java.io.IOException;
import java.util.List;

/** A rescorer builder parsed from and copied over the wire through the plugin's registries, for the rescorer builder tests. */
public final class RescorerRoundTrip {

    private static final SearchModule SEARCH = new SearchModule(Settings.EMPTY, List.of(new InstanceRetrievalPlugin()));
    private static final NamedWriteableRegistry WRITEABLES = new NamedWriteableRegistry(SEARCH.getNamedWriteables());
    private static final NamedXContentRegistry XCONTENT = new NamedXContentRegistry(SEARCH.getNamedXContents());

    private RescorerRoundTrip() {}

    /** Parses one entry of the rescore section, e.g. {"window_size": 5, "diffusion": {...}}. */
    public static RescorerBuilder<?> parse(String json) throws IOException {
        try (XContentParser parser = JsonXContent.jsonXContent.createParser(XContentParserConfiguration.EMPTY.withRegistry(XCONTENT), json)) {
            parser.nextToken();
            return RescorerBuilder.parseFromXContent(parser, name -> {});
        }
    }

    /** The builder written as a named writeable and read back. */
    public static RescorerBuilder<?> wireCopy(RescorerBuilder<?> builder) throws IOException {
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            out.writeNamedWriteable(builder);
            try (StreamInput in = new NamedWriteableAwareStreamInput(out.bytes().streamInput(), WRITEABLES)) {
                return in.readNamedWriteable(RescorerBuilder.class);
            }
        }
    }
}
