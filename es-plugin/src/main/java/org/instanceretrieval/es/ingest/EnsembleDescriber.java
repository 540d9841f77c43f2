package org.instanceretrieval.es.ingest;

import org.elasticsearch.action.ActionListener;
import org.instanceretrieval.es.model.NodeInference;
import org.instanceretrieval.es.whitening.WhiteningStore;
import org.instanceretrieval.eval.BoundingBox;
import org.instanceretrieval.model.descriptor.EnsembleExtractor;
import org.instanceretrieval.model.inference.Device;
import org.instanceretrieval.model.inference.InferenceService;
import org.instanceretrieval.whitening.Whitening;

import java.util.ArrayList;
import java.util.List;

/**
 * The ensemble path of the {@code image_descriptor} processor ({@code models}): resolves every
 * member (its stored model, its recipe = the model's recipe, the member's overrides, the whitening
 * they name) in member order, then the ensemble's {@code whitening_id}, then describes the image once
 * with {@link EnsembleExtractor} (one decode shared by every member; the node's image pool, inference
 * service and {@code retrieval} breaker as for one model). Stateless.
 *
 * <p>Errors reach the listener: an unknown member model (404 naming it), a model not fully uploaded
 * (409), an unknown whitening, and whatever the extraction reports.
 */
final class EnsembleDescriber {

    private EnsembleDescriber() {}

    static void describe(ImageDescriptorProcessorFactory.Services services, EnsembleJson ensemble, String whiteningId, Device device,
                         byte[] image, BoundingBox bbox, ActionListener<float[]> listener) {
        resolve(services, ensemble.members(), 0, new ArrayList<>(), device, listener.delegateFailureAndWrap(
            (l, members) -> withWhitening(services, whiteningId, l.delegateFailureAndWrap((l2, whitening) -> {
                NodeInference inference = services.inference().get();
                EnsembleExtractor extractor = new EnsembleExtractor(members, inference.decoder(), inference.budget(),
                    inference.imageExecutor());
                extractor.extract(image, bbox, whiteningId, whitening).whenComplete((vector, error) -> {
                    if (error != null) {
                        l2.onFailure(error instanceof Exception e ? e : new IllegalStateException(error));
                    } else {
                        l2.onResponse(vector);
                    }
                });
            }))));
    }

    /** Resolves member {@code i} and the ones after it, appending to {@code resolved}. */
    private static void resolve(ImageDescriptorProcessorFactory.Services services, List<EnsembleJson.Member> members, int i,
                                List<EnsembleExtractor.Member> resolved, Device device,
                                ActionListener<List<EnsembleExtractor.Member>> listener) {
        if (i == members.size()) {
            listener.onResponse(resolved);
            return;
        }
        EnsembleJson.Member member = members.get(i);
        services.modelStore().getModel(member.modelId(), ActionListener.wrap(
            model -> ImageDescriptorProcessor.recipe(services, model, member.overrides(), listener.delegateFailureAndWrap((l, recipe) -> {
                InferenceService service = services.inference().get().service(device);
                resolved.add(new EnsembleExtractor.Member(member.modelId(), service.model(member.modelId()), model.config().tensorLayout(),
                    recipe, member.weight()));
                resolve(services, members, i + 1, resolved, device, l);
            })),
            e -> listener.onFailure(ImageDescriptorProcessor.modelError(member.modelId(), e))));
    }

    private static void withWhitening(ImageDescriptorProcessorFactory.Services services, String whiteningId,
                                      ActionListener<Whitening> listener) {
        if (whiteningId == null) {
            listener.onResponse(null);
            return;
        }
        WhiteningStore whitenings = services.whiteningStore().get();
        if (whitenings == null) {
            listener.onFailure(ImageDescriptorProcessorFactory.whiteningStoreUnavailable(whiteningId));
            return;
        }
        whitenings.getWhitening(whiteningId, listener);
    }
}
