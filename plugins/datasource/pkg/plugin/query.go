package plugin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// QueryModel is a saved query (src/types.ts NodescopeQuery) in any shape the frontend's
// migrations accept: unversioned queries may carry `legendFormat` instead of `alias`.
type QueryModel struct {
	SourceID       string          `json:"sourceId"`
	Query          string          `json:"query"`
	Params         json.RawMessage `json:"params,omitempty"`
	Alias          string          `json:"alias,omitempty"`
	LegendFormat   string          `json:"legendFormat,omitempty"`
	QueryType      string          `json:"queryType,omitempty"`
	AnnotationType string          `json:"annotationType,omitempty"`
	Live           bool            `json:"live,omitempty"`
	// Fields keeps only these fields of each frame, in this order (booleans become 1/0): what
	// Grafana's server-side expressions read — one number per row, string fields as its labels
	// (grafana/grafana pkg/expr/converter.go isNumberTable / extractNumberSet), or one time field
	// and one number as a series. Alert rules on nodescope set it.
	Fields []string `json:"fields,omitempty"`
	// Kind narrows sourceId "*" to the sources of one kind (cgminer and profitability both
	// serve `miners`).
	Kind string `json:"kind,omitempty"`
	Hide bool   `json:"hide,omitempty"`
}

// ParseQuery reads a query's JSON and applies the frontend's migration rules
// (src/migrations.ts: legendFormat as alias, params cleaned to strings, numbers, booleans and
// string lists).
func ParseQuery(q backend.DataQuery) (QueryModel, map[string]any, error) {
	var m QueryModel
	if len(q.JSON) > 0 {
		if err := json.Unmarshal(q.JSON, &m); err != nil {
			return m, nil, fmt.Errorf("query %s is not a nodescope query: %w", q.RefID, err)
		}
	}
	if m.Alias == "" {
		m.Alias = m.LegendFormat
	}
	if m.QueryType == "" {
		m.QueryType = q.QueryType
	}
	return m, cleanParams(m.Params), nil
}

func cleanParams(raw json.RawMessage) map[string]any {
	var in map[string]any
	if len(raw) == 0 || json.Unmarshal(raw, &in) != nil {
		return nil
	}
	out := map[string]any{}
	for key, value := range in {
		switch v := value.(type) {
		case string, float64, bool:
			out[key] = v
		case []any:
			list := make([]string, len(v))
			for i, item := range v {
				list[i] = stringOf(item)
			}
			out[key] = list
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// stringOf is JavaScript's String(x) for JSON values, as the frontend's `value.map(String)`.
func stringOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// proxyQuery is one entry of `queries` in POST /api/query (backend-proxy/src/http/schemas.ts
// querySchema, a strict object: only these keys).
type proxyQuery struct {
	RefID    string         `json:"refId"`
	SourceID string         `json:"sourceId"`
	Query    string         `json:"query"`
	Params   map[string]any `json:"params,omitempty"`
}

type proxyRange struct {
	From int64 `json:"from"`
	To   int64 `json:"to"`
}

// proxyRequest is the body of POST /api/query (queryRequestSchema).
type proxyRequest struct {
	Queries       []proxyQuery `json:"queries"`
	Range         proxyRange   `json:"range"`
	IntervalMs    int64        `json:"intervalMs,omitempty"`
	MaxDataPoints int64        `json:"maxDataPoints,omitempty"`
}

// proxyResult is one entry of `results` in the answer (queryRunner.ts QueryResult).
type proxyResult struct {
	Frames []json.RawMessage `json:"frames"`
	Error  string            `json:"error,omitempty"`
	Status int               `json:"status,omitempty"`
}

// the proxy's limits (schemas.ts): intervalMs 1 ms … 365 days, maxDataPoints 1 … 100,000
const (
	maxIntervalMs    = 365 * 86_400_000
	maxMaxDataPoints = 100_000
)

type pending struct {
	q      backend.DataQuery
	model  QueryModel
	params map[string]any
}

// group is the queries sharing one time range, interval and maxDataPoints: one POST each.
type groupKey struct {
	from, to, intervalMs, maxDataPoints int64
}

func keyOf(q backend.DataQuery) groupKey {
	interval := q.Interval.Milliseconds()
	if interval < 1 {
		interval = 0 // the proxy derives it from the range
	}
	if interval > maxIntervalMs {
		interval = maxIntervalMs
	}
	mdp := q.MaxDataPoints
	if mdp < 1 {
		mdp = 0
	}
	if mdp > maxMaxDataPoints {
		mdp = maxMaxDataPoints
	}
	return groupKey{q.TimeRange.From.UnixMilli(), q.TimeRange.To.UnixMilli(), interval, mdp}
}

// QueryData runs data queries through POST /api/query (one request per distinct time range,
// interval and maxDataPoints: alert rules may give each query its own range) and annotation
// queries through GET /api/annotations. One failing query never blanks the others.
func (d *Datasource) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	res := backend.NewQueryDataResponse()
	if d.configErr != nil {
		for _, q := range req.Queries {
			res.Responses[q.RefID] = errorResponse(backend.StatusBadRequest, d.configErr.Error())
		}
		return res, nil
	}
	groups := map[groupKey][]pending{}
	var order []groupKey
	add := func(p pending) {
		key := keyOf(p.q)
		if _, seen := groups[key]; !seen {
			order = append(order, key)
		}
		groups[key] = append(groups[key], p)
	}
	// sourceId "*": the query on every source that serves it (alert rules cover a whole fleet)
	fanout := map[string][]string{}
	var sources []sourceEntry
	var sourcesErr error
	for _, q := range req.Queries {
		model, params, err := ParseQuery(q)
		if err != nil {
			res.Responses[q.RefID] = errorResponse(backend.StatusBadRequest, err.Error())
			continue
		}
		if model.QueryType == "annotations" {
			res.Responses[q.RefID] = d.annotationQuery(ctx, q, model)
			continue
		}
		if model.SourceID == "" || model.Query == "" {
			res.Responses[q.RefID] = errorResponse(backend.StatusBadRequest,
				fmt.Sprintf("query %s: choose a source and a query (sourceId and query are empty)", q.RefID))
			continue
		}
		if model.SourceID != AllSources {
			add(pending{q, model, params})
			continue
		}
		if sources == nil && sourcesErr == nil {
			sources, sourcesErr = d.sources(ctx)
		}
		if sourcesErr != nil {
			res.Responses[q.RefID] = errorResponse(backend.StatusBadGateway, fmt.Sprintf("* %s: listing the sources: %s", model.Query, unreachable(sourcesErr)))
			continue
		}
		for _, source := range sources {
			if !slices.Contains(source.Queries, model.Query) || (model.Kind != "" && source.Kind != model.Kind) {
				continue
			}
			one := q
			one.RefID = q.RefID + fanoutSeparator + source.ID
			m := model
			m.SourceID = source.ID
			add(pending{one, m, params})
			fanout[q.RefID] = append(fanout[q.RefID], source.ID)
		}
		if len(fanout[q.RefID]) == 0 {
			res.Responses[q.RefID] = errorResponse(backend.StatusBadRequest, fmt.Sprintf("* %s: no configured source serves the query %q", model.Query, model.Query))
		}
	}
	for _, key := range order {
		for refID, r := range d.runGroup(ctx, key, groups[key]) {
			res.Responses[refID] = r
		}
	}
	for refID, ids := range fanout {
		parts := make(map[string]backend.DataResponse, len(ids))
		for _, id := range ids {
			parts[id] = res.Responses[refID+fanoutSeparator+id]
			delete(res.Responses, refID+fanoutSeparator+id)
		}
		res.Responses[refID] = mergeSources(refID, ids, parts)
	}
	return res, nil
}

// AllSources as a query's sourceId runs it on every source whose /api/sources entry lists it.
const AllSources = "*"

// fanoutSeparator joins a refId and a source id for the per-source queries of "*" (a character
// Grafana's refIds do not use).
const fanoutSeparator = "\u00b7"

type sourceEntry struct {
	ID      string   `json:"id"`
	Kind    string   `json:"kind"`
	Queries []string `json:"queries"`
}

func (d *Datasource) sources(ctx context.Context) ([]sourceEntry, error) {
	raw, _, err := d.do(ctx, http.MethodGet, "sources", nil, nil)
	if err != nil {
		return nil, err
	}
	var body struct {
		Sources []sourceEntry `json:"sources"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, fmt.Errorf("unreadable /api/sources: %w", err)
	}
	return body.Sources, nil
}

// mergeSources is one response for a "*" query. Frames with a time field stay one per source
// and label their values source=<id> (Grafana reads several labelled series); tables get a
// `source` string column and the rows of all sources in one frame (Grafana's expressions read
// a single number table: pkg/expr/converter.go Convert, len(frames) == 1). A failing source
// becomes a notice while at least one answered, so one bad source does not blank the rule.
func mergeSources(refID string, ids []string, parts map[string]backend.DataResponse) backend.DataResponse {
	var out backend.DataResponse
	var failures []string
	tables := map[string]*data.Frame{}
	var order []*data.Frame
	for _, id := range ids {
		part := parts[id]
		if part.Error != nil {
			failures = append(failures, part.Error.Error())
			if out.Error == nil {
				out.Error, out.Status, out.ErrorSource = part.Error, part.Status, part.ErrorSource
			}
			continue
		}
		for _, frame := range part.Frames {
			frame.RefID = refID
			if hasTimeField(frame) {
				for _, f := range frame.Fields {
					if f.Type().Time() {
						continue
					}
					labels := data.Labels{}
					for k, v := range f.Labels {
						labels[k] = v
					}
					labels["source"] = id
					f.Labels = labels
				}
				order = append(order, frame)
				continue
			}
			withSource := frame
			if existing, _ := frame.FieldByName("source"); existing == nil {
				column := make([]string, frame.Rows())
				for i := range column {
					column[i] = id
				}
				withSource = data.NewFrame(frame.Name, append([]*data.Field{data.NewField("source", nil, column)}, frame.Fields...)...)
				withSource.RefID, withSource.Meta = refID, frame.Meta
			}
			key := frameShape(withSource)
			if merged, ok := tables[key]; ok {
				if err := appendRows(merged, withSource); err == nil {
					continue
				}
			}
			tables[key] = withSource
			order = append(order, withSource)
		}
	}
	if len(order) == 0 {
		if out.Error == nil {
			out.Status = backend.StatusOK
		}
		return out
	}
	out.Frames = order
	out.Error, out.ErrorSource, out.Status = nil, "", backend.StatusOK
	for _, failure := range failures {
		out.Frames[0].AppendNotices(data.Notice{Severity: data.NoticeSeverityError, Text: failure})
	}
	return out
}

func hasTimeField(frame *data.Frame) bool {
	for _, f := range frame.Fields {
		if f.Type().Time() {
			return true
		}
	}
	return false
}

// frameShape is a frame's name and field names and types: frames of the same shape merge.
func frameShape(frame *data.Frame) string {
	var b strings.Builder
	b.WriteString(frame.Name)
	for _, f := range frame.Fields {
		b.WriteString("\x00" + f.Name + ":" + f.Type().ItemTypeString())
	}
	return b.String()
}

func appendRows(into, from *data.Frame) error {
	if len(into.Fields) != len(from.Fields) {
		return fmt.Errorf("shapes differ")
	}
	for i, f := range from.Fields {
		for row := 0; row < f.Len(); row++ {
			into.Fields[i].Append(f.CopyAt(row))
		}
	}
	return nil
}

func (d *Datasource) runGroup(ctx context.Context, key groupKey, queries []pending) map[string]backend.DataResponse {
	out := make(map[string]backend.DataResponse, len(queries))
	body := proxyRequest{
		Range:         proxyRange{From: key.from, To: key.to},
		IntervalMs:    key.intervalMs,
		MaxDataPoints: key.maxDataPoints,
	}
	for _, p := range queries {
		body.Queries = append(body.Queries, proxyQuery{RefID: p.q.RefID, SourceID: p.model.SourceID, Query: p.model.Query, Params: p.params})
	}
	encoded, err := json.Marshal(body)
	if err != nil {
		for _, p := range queries {
			out[p.q.RefID] = errorResponse(backend.StatusInternal, err.Error())
		}
		return out
	}
	raw, status, err := d.do(ctx, http.MethodPost, "query", nil, bytes.NewReader(encoded))
	var answer struct {
		Results map[string]proxyResult `json:"results"`
	}
	if raw != nil && (err == nil || status == http.StatusBadRequest) {
		_ = json.Unmarshal(raw, &answer)
	}
	if err != nil && answer.Results == nil {
		// the whole request was refused: an unknown source or query fails it with one 400
		// (queryRunner.ts resolveQueries). Run each query alone so only the bad one fails.
		if status == http.StatusBadRequest && len(queries) > 1 {
			for _, p := range queries {
				for refID, r := range d.runGroup(ctx, key, []pending{p}) {
					out[refID] = r
				}
			}
			return out
		}
		code := backend.StatusBadGateway
		if status != 0 {
			code = backend.Status(status)
		}
		for _, p := range queries {
			out[p.q.RefID] = errorResponse(code, withContext(p, unreachable(err)))
		}
		return out
	}
	for _, p := range queries {
		result, ok := answer.Results[p.q.RefID]
		if !ok {
			out[p.q.RefID] = errorResponse(backend.StatusBadGateway, withContext(p, "the proxy returned no result"))
			continue
		}
		out[p.q.RefID] = d.toResponse(p, result)
	}
	return out
}

// withContext names the source and query unless the proxy's message already starts with the
// source id ("btc-main: …"), as the frontend did before it went through this backend (src/frames.ts shapeQueryResults).
func withContext(p pending, message string) string {
	if strings.HasPrefix(message, p.model.SourceID+":") {
		return message
	}
	return fmt.Sprintf("%s %s: %s", p.model.SourceID, p.model.Query, message)
}

func (d *Datasource) toResponse(p pending, result proxyResult) backend.DataResponse {
	var r backend.DataResponse
	for i, raw := range result.Frames {
		frame, err := FrameFromProxyJSON(raw)
		if err != nil {
			return errorResponse(backend.StatusBadGateway, withContext(p, fmt.Sprintf("frame %d: %v", i, err)))
		}
		frame.RefID = p.q.RefID
		if len(p.model.Fields) > 0 {
			if frame, err = SelectFields(frame, p.model.Fields); err != nil {
				return errorResponse(backend.StatusBadRequest, withContext(p, err.Error()))
			}
		}
		applyAlias(frame, p.model.Alias, p.model.SourceID, p.model.Query)
		if p.model.Live {
			name := ""
			if len(result.Frames) > 1 {
				name = frame.Name
			}
			if channel, err := d.liveChannel(p.model, p.params, name); err == nil {
				if frame.Meta == nil {
					frame.Meta = &data.FrameMeta{}
				}
				frame.Meta.Channel = channel
			} else {
				frame.AppendNotices(data.Notice{Severity: data.NoticeSeverityWarning, Text: err.Error()})
			}
		}
		r.Frames = append(r.Frames, frame)
	}
	if result.Error != "" {
		status := result.Status
		if status == 0 {
			status = http.StatusBadGateway
		}
		r.Error = errors.New(withContext(p, result.Error))
		r.Status = backend.Status(status)
		r.ErrorSource = backend.ErrorSourceDownstream
	} else {
		r.Status = backend.StatusOK
	}
	return r
}

func errorResponse(status backend.Status, message string) backend.DataResponse {
	r := backend.ErrDataResponse(status, message)
	r.ErrorSource = backend.ErrorSourceDownstream
	return r
}

// annotationQuery is GET /api/annotations for the query's range, as a frame Grafana's
// annotation support reads.
func (d *Datasource) annotationQuery(ctx context.Context, q backend.DataQuery, m QueryModel) backend.DataResponse {
	if m.SourceID == "" || m.AnnotationType == "" {
		return errorResponse(backend.StatusBadRequest, fmt.Sprintf("annotation query %s: choose a source and an annotation type", q.RefID))
	}
	params := url.Values{
		"sourceId": {m.SourceID},
		"type":     {m.AnnotationType},
		"from":     {strconv.FormatInt(q.TimeRange.From.UnixMilli(), 10)},
		"to":       {strconv.FormatInt(q.TimeRange.To.UnixMilli(), 10)},
	}
	raw, status, err := d.do(ctx, http.MethodGet, "annotations", params, nil)
	p := pending{q: q, model: QueryModel{SourceID: m.SourceID, Query: m.AnnotationType}}
	if err != nil {
		code := backend.StatusBadGateway
		if status != 0 {
			code = backend.Status(status)
		}
		return errorResponse(code, withContext(p, unreachable(err)))
	}
	var body struct {
		Annotations []Annotation `json:"annotations"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return errorResponse(backend.StatusBadGateway, withContext(p, "unreadable annotations: "+err.Error()))
	}
	frame := annotationsFrame(body.Annotations)
	frame.RefID = q.RefID
	return backend.DataResponse{Frames: data.Frames{frame}, Status: backend.StatusOK}
}
