#!/usr/bin/env python3
"""Writes retrieval-eval.ndjson, the Kibana saved objects of the evaluation dashboard.

Run `python3 kibana/generate.py` after editing this file; commit both. Nothing in the build runs
it: es-plugin's KibanaObjectsTests reads the .ndjson and checks every field it reads against the
runs' index template. Formats are those of Kibana 8.x saved objects (Lens by reference, options
list controls in the dashboard's controlGroupInput, a saved search, a Vega-Lite visualization);
typeMigrationVersion values are old on purpose so that Kibana 8.9 to 8.19 migrates them on import.
"""
import json
import os

DATA_VIEW = "retrieval-eval-runs"
RUN = 'doc_type : "run"'
QUERY = 'doc_type : "query"'
CONFIG_FIELDS = ["ground_truth", "protocol", "engine"]


# ---- Lens columns ----

def terms(label, field, size, secondary=(), order_by=None, direction="asc"):
    params = {
        "size": size,
        "orderBy": {"type": "column", "columnId": order_by} if order_by else {"type": "alphabetical", "fallback": True},
        "orderDirection": direction,
        "otherBucket": False,
        "missingBucket": False,
        "parentFormat": {"id": "multi_terms" if secondary else "terms"},
        "secondaryFields": list(secondary),
    }
    return {"label": label, "dataType": "string", "operationType": "terms", "sourceField": field, "isBucketed": True,
            "scale": "ordinal", "params": params, "customLabel": True}


def configuration(size=10, fixed=()):
    """name plus every configuration key the layer's query does not fix, as one multi-terms column."""
    return terms("Configuration (name, " + ", ".join(f for f in CONFIG_FIELDS if f not in fixed) + ")", "name", size,
                 [f for f in CONFIG_FIELDS if f not in fixed])


def metric(op, label, field):
    column = {"label": label, "dataType": "number", "operationType": op, "sourceField": field, "isBucketed": False,
              "scale": "ratio", "customLabel": True, "params": {"emptyAsNull": True}}
    if op == "last_value":
        column["params"] = {"sortField": "@timestamp", "showArrayValues": False}
    return column


def latest_time(label):
    return {"label": label, "dataType": "date", "operationType": "max", "sourceField": "@timestamp", "isBucketed": False,
            "scale": "ratio", "customLabel": True, "params": {"emptyAsNull": True}}


def date_histogram():
    return {"label": "@timestamp", "dataType": "date", "operationType": "date_histogram", "sourceField": "@timestamp",
            "isBucketed": True, "scale": "interval",
            "params": {"interval": "auto", "includeEmptyRows": False, "dropPartials": False}}


def histogram(label, field, max_bars):
    return {"label": label, "dataType": "number", "operationType": "range", "sourceField": field, "isBucketed": True,
            "scale": "interval", "customLabel": True,
            "params": {"type": "histogram", "maxBars": max_bars, "includeEmptyRows": False,
                       "ranges": [{"from": 0, "to": 1000, "label": ""}]}}


def count(label):
    return {"label": label, "dataType": "number", "operationType": "count", "sourceField": "___records___",
            "isBucketed": False, "scale": "ratio", "customLabel": True, "params": {"emptyAsNull": True}}


# ---- saved objects ----

def lens(oid, title, description, vis_type, visualization, query, columns):
    """One layer "l1"; columns in order (buckets first, outermost first)."""
    layer = {"columns": dict(columns), "columnOrder": [c for c, _ in columns], "incompleteColumns": {}}
    return {
        "id": oid, "type": "lens",
        "attributes": {
            "title": title, "description": description, "visualizationType": vis_type,
            "state": {
                "visualization": visualization,
                "query": {"query": query, "language": "kuery"},
                "filters": [],
                "datasourceStates": {"formBased": {"layers": {"l1": layer}}},
                "internalReferences": [], "adHocDataViews": {},
            },
        },
        "references": [{"type": "index-pattern", "id": DATA_VIEW, "name": "indexpattern-datasource-layer-l1"}],
        "coreMigrationVersion": "8.8.0", "typeMigrationVersion": "8.9.0", "managed": False,
    }


def xy(series, x, accessors, split=None, right=(), extra=None):
    layer = {"layerId": "l1", "layerType": "data", "seriesType": series, "xAccessor": x, "accessors": list(accessors),
             "yConfig": [{"forAccessor": a, "axisMode": "right"} for a in right]}
    if split:
        layer["splitAccessor"] = split
    vis = {"legend": {"isVisible": True, "position": "right"}, "valueLabels": "hide", "preferredSeriesType": series,
           "layers": [layer]}
    vis.update(extra or {})
    return vis


def table(columns, sort_by=None, direction="desc"):
    vis = {"layerId": "l1", "layerType": "data", "columns": [{"columnId": c, "isTransposed": False} for c, _ in columns]}
    if sort_by:
        vis["sorting"] = {"columnId": sort_by, "direction": direction}
    return vis


HEADLINE = [("c-map", "last_value", "mAP", "overall.mAP"),
            ("c-map100", "last_value", "mAP@100 (GLDv2)", "overall.mAP@100"),
            ("c-ns", "last_value", "N-S score (UKBench, right axis)", "overall.N-S score")]


def over_time():
    columns = [("c-config", configuration()), ("c-time", date_histogram())]
    columns += [(c, metric(op, label, field)) for c, op, label, field in HEADLINE]
    return lens("retrieval-eval-map-over-time", "Headline metric per configuration over time",
                "The last run's overall metric in each time bucket, one line per name, ground truth, protocol and engine "
                "(mAP; GLDv2 mAP@100; UKBench N-S score on the right axis)",
                "lnsXY", xy("line", "c-time", [c for c, *_ in HEADLINE], "c-config", ["c-ns"]), RUN, columns)


def latest():
    columns = [("c-name", terms("Name", "name", 50, order_by="c-last", direction="desc")),
               ("c-gt", terms("Ground truth", "ground_truth", 20)),
               ("c-protocol", terms("Protocol", "protocol", 10)),
               ("c-engine", terms("Engine", "engine", 5))]
    columns += [(c, metric("last_value", label.split(" (")[0], field)) for c, _, label, field in HEADLINE]
    columns += [("c-p1", metric("last_value", "mP@1", "overall.mP@1")),
                ("c-p5", metric("last_value", "mP@5", "overall.mP@5")),
                ("c-p10", metric("last_value", "mP@10", "overall.mP@10")),
                ("c-queries", metric("last_value", "Queries", "overall.queries")),
                ("c-took", metric("last_value", "Took (ms)", "took_ms")),
                ("c-last", latest_time("Last run"))]
    return lens("retrieval-eval-latest", "Latest result per configuration",
                "The newest run of each name, ground truth, protocol and engine (last value by @timestamp, not an average)",
                "lnsDatatable", table(columns, "c-last"), RUN, columns)


def runs():
    columns = [("c-run", terms("Run", "run_id", 100, order_by="c-time", direction="desc")),
               ("c-name", terms("Name", "name", 1)),
               ("c-gt", terms("Ground truth", "ground_truth", 1)),
               ("c-protocol", terms("Protocol", "protocol", 1)),
               ("c-engine", terms("Engine", "engine", 1))]
    columns += [(c, metric("max", label.split(" (")[0], field)) for c, _, label, field in HEADLINE]
    columns += [("c-p1", metric("max", "mP@1", "overall.mP@1")),
                ("c-p5", metric("max", "mP@5", "overall.mP@5")),
                ("c-p10", metric("max", "mP@10", "overall.mP@10")),
                ("c-queries", metric("max", "Queries", "overall.queries")),
                ("c-missing", metric("max", "Missing documents", "documents.missing_count")),
                ("c-took", metric("max", "Took (ms)", "took_ms")),
                ("c-time", latest_time("Time"))]
    return lens("retrieval-eval-runs-table", "Runs",
                "One row per recorded run (its summary document), newest first: the metrics of GET _retrieval_eval/runs",
                "lnsDatatable", table(columns, "c-time"), RUN, columns)


def subsets_chart(oid, title, description, protocol, subsets, extra=()):
    query = RUN + ' and protocol : "' + protocol + '"'
    columns = [("c-config", configuration(20, fixed=["protocol"]))]
    columns += [("c-" + s.lower(), metric("last_value", s, "subsets." + s + ".mAP")) for s in subsets]
    columns += list(extra)
    accessors = [c for c, _ in columns[1:]]
    return lens(oid, title, description, "lnsXY", xy("bar", "c-config", accessors), query, columns)


def revisited():
    return subsets_chart("retrieval-eval-revisited-difficulty", "Revisited easy / medium / hard mAP (latest run)",
                         "subsets.easy / medium / hard.mAP of the newest revisited run of each name, ground truth and engine",
                         "revisited", ["easy", "medium", "hard"])


def gpr1200():
    return subsets_chart("retrieval-eval-gpr1200-domains", "GPR1200 mAP per domain (latest run)",
                         "subsets.<domain>.mAP of the newest GPR1200 run (12,000 labels) of each name, ground truth and engine",
                         "gpr1200", ["landmarks", "iNat", "sketch", "INSTRE", "SOP", "faces"],
                         [("c-all", metric("last_value", "all", "overall.mAP"))])


def ap_distribution():
    columns = [("c-config", configuration()), ("c-ap", histogram("AP", "ap", 20)), ("c-count", count("Queries"))]
    return lens("retrieval-eval-ap-distribution", "Per-query AP distribution",
                "Histogram of per-query AP (doc_type query), stacked by name, ground truth, protocol and engine",
                "lnsXY", xy("bar_stacked", "c-ap", ["c-count"], "c-config"), QUERY, columns)


def cost_accuracy():
    columns = [("c-config", configuration()), ("c-took", histogram("Took (ms)", "took_ms", 100))]
    columns += [(c, metric(op, label, field)) for c, op, label, field in HEADLINE]
    return lens("retrieval-eval-cost-accuracy", "Cost against accuracy",
                "The headline metric of each configuration's runs against their duration (took_ms): a point per duration bucket",
                "lnsXY", xy("line", "c-took", [c for c, *_ in HEADLINE], "c-config", ["c-ns"],
                            {"fittingFunction": "None", "pointVisibility": "always"}), RUN, columns)


def worst_queries():
    source = {"query": {"query": QUERY + " and (ap : * or score : *)", "language": "kuery"}, "filter": [],
              "indexRefName": "kibanaSavedObjectMeta.searchSourceJSON.index"}
    return {
        "id": "retrieval-eval-worst-queries", "type": "search",
        "attributes": {
            "title": "Worst queries", "description": "Per-query documents, lowest AP (UKBench: score) first; pick a run with the Run control",
            "columns": ["query", "ap", "score", "p_10", "ap_hard", "subset", "name", "run_id"],
            "sort": [["ap", "asc"], ["score", "asc"]],
            "grid": {}, "hideChart": True, "isTextBasedQuery": False, "timeRestore": False,
            "kibanaSavedObjectMeta": {"searchSourceJSON": json.dumps(source)},
        },
        "references": [{"name": "kibanaSavedObjectMeta.searchSourceJSON.index", "type": "index-pattern", "id": DATA_VIEW}],
        "coreMigrationVersion": "8.8.0", "typeMigrationVersion": "8.0.0", "managed": False,
    }


def compare_spec():
    body = {
        "size": 0,
        "query": {"bool": {
            "must": ["%dashboard_context-must_clause%", {"term": {"doc_type": "query"}},
                     {"range": {"@timestamp": {"%timefilter%": True}}}],
            "filter": ["%dashboard_context-filter_clause%"],
            "must_not": ["%dashboard_context-must_not_clause%"]}},
        "aggs": {"runs": {
            "terms": {"field": "run_id", "size": 2, "order": {"time": "desc"}},
            "aggs": {
                "time": {"max": {"field": "@timestamp"}},
                "queries": {"terms": {"field": "query", "size": 15000},
                            "aggs": {"ap": {"avg": {"field": "ap"}}, "score": {"avg": {"field": "score"}}}}}}},
    }
    bar = {
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "y": {"field": "query", "type": "nominal", "sort": {"field": "delta", "order": "descending"}, "title": None},
            "x": {"field": "delta", "type": "quantitative", "title": "b - a (AP; UKBench: score)"},
            "color": {"condition": {"test": "datum.delta > 0", "value": "#54B399"}, "value": "#E7664C"},
            "tooltip": [{"field": "query"}, {"field": "a", "format": ".4f"}, {"field": "b", "format": ".4f"},
                        {"field": "delta", "format": "+.4f"}]}}
    summary = {
        "transform": [{"aggregate": [{"op": "max", "field": "mean_delta", "as": "m"}, {"op": "max", "field": "compared", "as": "n"}]},
                      {"calculate": "'mean b - a over ' + datum.n + ' compared queries: ' + format(datum.m, '+.4f')", "as": "label"}],
        "mark": {"type": "text", "align": "left", "baseline": "bottom", "x": 0, "y": -6},
        "encoding": {"text": {"field": "label", "type": "nominal"}}}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": "Run b (newer) against run a: the 10 queries that gained and lost most",
        "data": {"url": {"index": DATA_VIEW, "body": body},
                 "format": {"property": "aggregations.runs.buckets"}},
        "transform": [
            {"calculate": "datum.key", "as": "run"},
            {"calculate": "datum.time.value", "as": "t"},
            {"calculate": "datum.queries.buckets", "as": "qs"},
            {"flatten": ["qs"], "as": ["q"]},
            {"calculate": "datum.q.key", "as": "query"},
            {"calculate": "isValid(datum.q.ap.value) ? datum.q.ap.value : datum.q.score.value", "as": "value"},
            {"filter": "isValid(datum.value)"},
            {"joinaggregate": [{"op": "min", "field": "t", "as": "t_a"}, {"op": "distinct", "field": "run", "as": "runs"}]},
            {"filter": "datum.runs == 2"},
            {"calculate": "datum.t == datum.t_a ? 'a' : 'b'", "as": "side"},
            {"pivot": "side", "value": "value", "groupby": ["query"], "op": "max"},
            {"filter": "isValid(datum.a) && isValid(datum.b)"},
            {"calculate": "datum.b - datum.a", "as": "delta"},
            {"joinaggregate": [{"op": "mean", "field": "delta", "as": "mean_delta"}, {"op": "count", "as": "compared"}]},
            {"window": [{"op": "row_number", "as": "gain_rank"}], "sort": [{"field": "delta", "order": "descending"}, {"field": "query"}]},
            {"window": [{"op": "row_number", "as": "loss_rank"}], "sort": [{"field": "delta", "order": "ascending"}, {"field": "query"}]},
            {"filter": "(datum.delta > 0 && datum.gain_rank <= 10) || (datum.delta < 0 && datum.loss_rank <= 10)"},
        ],
        "layer": [bar, summary],
    }


def compare():
    spec = json.dumps(compare_spec(), indent=2)
    vis_state = {"title": "Two-run comparison", "type": "vega", "aggs": [], "params": {"spec": spec}}
    return {
        "id": "retrieval-eval-compare", "type": "visualization",
        "attributes": {
            "title": "Two-run comparison",
            "description": "The per-query differences of GET _retrieval_eval/runs/_compare between the two newest runs the controls select",
            "visState": json.dumps(vis_state), "uiStateJSON": "{}", "version": 1,
            "kibanaSavedObjectMeta": {"searchSourceJSON": json.dumps({"query": {"query": "", "language": "kuery"}, "filter": []})},
        },
        "references": [],
        "coreMigrationVersion": "8.8.0", "typeMigrationVersion": "8.5.0", "managed": False,
    }


CONTROLS = [("ctl-ground-truth", "ground_truth", "Ground truth"), ("ctl-protocol", "protocol", "Protocol"),
            ("ctl-engine", "engine", "Engine"), ("ctl-name", "name", "Name"), ("ctl-run", "run_id", "Run")]

# (object, x, y, w, h); panel index = position + 1
LAYOUT = [("retrieval-eval-map-over-time", 0, 0, 30, 15), ("retrieval-eval-cost-accuracy", 30, 0, 18, 15),
          ("retrieval-eval-latest", 0, 15, 48, 12), ("retrieval-eval-runs-table", 0, 27, 48, 14),
          ("retrieval-eval-revisited-difficulty", 0, 41, 24, 13), ("retrieval-eval-gpr1200-domains", 24, 41, 24, 13),
          ("retrieval-eval-compare", 0, 54, 24, 20), ("retrieval-eval-worst-queries", 24, 54, 24, 20),
          ("retrieval-eval-ap-distribution", 0, 74, 48, 13)]


def dashboard(objects):
    types = {o["id"]: o["type"] for o in objects}
    panels, references = [], []
    for i, (oid, x, y, w, h) in enumerate(LAYOUT, start=1):
        panels.append({"version": "8.9.0", "type": types[oid], "gridData": {"x": x, "y": y, "w": w, "h": h, "i": str(i)},
                       "panelIndex": str(i), "embeddableConfig": {"enhancements": {}}, "panelRefName": "panel_" + str(i)})
        references.append({"name": str(i) + ":panel_" + str(i), "type": types[oid], "id": oid})
    controls = {}
    for order, (cid, field, title) in enumerate(CONTROLS):
        controls[cid] = {"order": order, "width": "medium", "grow": True, "type": "optionsListControl",
                         "explicitInput": {"id": cid, "fieldName": field, "title": title, "searchTechnique": "prefix",
                                           "selectedOptions": [], "singleSelect": False, "exclude": False,
                                           "existsSelected": False, "sort": {"by": "_count", "direction": "desc"},
                                           "enhancements": {}}}
        references.append({"name": "controlGroup_" + cid + ":optionsListDataView", "type": "index-pattern", "id": DATA_VIEW})
    return {
        "id": "retrieval-eval-dashboard", "type": "dashboard",
        "attributes": {
            "title": "Retrieval evaluation",
            "description": "Runs recorded by POST {index}/_retrieval_eval with record: true (data stream retrieval-eval-runs); "
                           "the controls select ground truth, protocol, engine, name and runs",
            "panelsJSON": json.dumps(panels),
            "optionsJSON": json.dumps({"useMargins": True, "syncColors": False, "syncCursor": True, "syncTooltips": False,
                                       "hidePanelTitles": False}),
            "controlGroupInput": {
                "controlStyle": "oneLine", "chainingSystem": "HIERARCHICAL", "showApplySelections": False,
                "panelsJSON": json.dumps(controls),
                "ignoreParentSettingsJSON": json.dumps({"ignoreFilters": False, "ignoreQuery": False,
                                                        "ignoreTimerange": False, "ignoreValidations": False}),
            },
            "timeRestore": True, "timeFrom": "now-90d", "timeTo": "now",
            "refreshInterval": {"pause": True, "value": 60000},
            "kibanaSavedObjectMeta": {"searchSourceJSON": json.dumps({"query": {"query": "", "language": "kuery"}, "filter": []})},
        },
        "references": references,
        "coreMigrationVersion": "8.8.0", "typeMigrationVersion": "8.9.0", "managed": False,
    }


def main():
    data_view = {"id": DATA_VIEW, "type": "index-pattern",
                 "attributes": {"title": DATA_VIEW, "name": "Retrieval evaluation runs", "timeFieldName": "@timestamp"},
                 "references": [], "coreMigrationVersion": "8.8.0", "typeMigrationVersion": "8.0.0", "managed": False}
    objects = [data_view, over_time(), latest(), runs(), revisited(), gpr1200(), ap_distribution(), cost_accuracy(),
               worst_queries(), compare()]
    objects.append(dashboard(objects))
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "retrieval-eval.ndjson")
    with open(out, "w", encoding="utf-8") as f:
        for o in objects:
            f.write(json.dumps(o, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
