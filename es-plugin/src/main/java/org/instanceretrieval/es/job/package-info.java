/**
 * The one skeleton of the plugin's long jobs: DBA ({@code POST {index}/_retrieval/dba}), whitening {@code _learn}, the offline
 * diffusion build and the evaluation ({@code POST {index}/_retrieval_eval}); new jobs (the neighbour-graph build next) are written
 * on it the same way.
 *
 * <h2>What a job consists of</h2>
 * <ol>
 *   <li>An action class holding {@code NAME}, {@code INSTANCE = new ActionType<>(NAME)} (with {@link JobResponse} when the result
 *       is a JSON object), the task's {@link JobTask.Progress} (first phase and counter names), its {@code Options} record (the
 *       validated options), a static {@link JobBody} declaring each body key with a {@link JobBody.Reader} and the setter of a
 *       small builder whose {@code check()} returns the options or throws a 400 naming the key, the value and the rule, and
 *       {@code KIND}, the job's {@link JobRequest.Kind}: that parser, the example answered for an empty body, the progress and
 *       the task's description (shown in the task APIs). Its requests are {@code JobRequest<Options>}
 *       ({@code KIND.request(target, body)} from REST, {@code KIND.reader()} from the wire, which carries the path parameter and
 *       the body as given); {@code rest()} returns the job's {@link RestJobAction} (handler name, route, and how the path
 *       parameter and body make a request). A job subclasses {@link JobRequest} only when its request has more to say to
 *       Elasticsearch (the evaluation names its indices for security).</li>
 *   <li>Its transport action extending {@link TransportJobAction}: {@code execute(job, request, listener)} starts the work
 *       without blocking, sends reads and writes through {@code job.client()} (the caller's privileges, the task as parent),
 *       computes on {@code generic}, sets phases and counters on {@code job.task()} and calls {@link JobTask#checkCancelled()}
 *       between units of work. {@link TransportJobAction#readAllVectors} reads a whole vector field.</li>
 *   <li>Registration in the plugin: its {@code ActionHandler} and {@code rest()}. The status ({@link JobStatus}) is registered
 *       once for all jobs.</li>
 * </ol>
 *
 * <h2>What every job then does alike</h2>
 * <ul>
 *   <li>By default the REST call waits and answers the job's response (closing the connection cancels the task); with
 *       {@code wait_for_completion=false} it answers {@code 200 {"task": "<node>:<id>"}} and the task manager stores the response
 *       or the error in {@code .tasks} ({@code GET _tasks/<id>}).</li>
 *   <li>{@code GET _tasks/<id>} shows {@code "cancellable": true} and the status {@code {"phase": ..., "<counter>": n, ...}};
 *       {@code POST _tasks/<id>/_cancel} ends the job with a {@code task_cancelled_exception} ({@link JobTask#checkCancelled}
 *       names the task's description).</li>
 *   <li>Bad bodies are 400 {@code illegal_argument_exception} with the endpoint's message; a missing index is Elasticsearch's 404
 *       {@code index_not_found_exception}; memory over the limits is 429 {@code circuit_breaking_exception}.</li>
 * </ul>
 */
package org.instanceretrieval.es.job;
