// Package bridge serves the Grafana HTTP API a DataSourceWithBackend frontend calls —
// POST /api/ds/query, GET /api/datasources/uid/<uid>/health and
// /api/datasources/uid/<uid>/resources/* — by calling the real plugin binary over gRPC, launched
// as Grafana launches it (hashicorp/go-plugin with the SDK handshake and plugin set, as
// grafana/grafana pkg/plugins/backendplugin/grpcplugin client.go / grpc_plugin.go / client_v2.go).
// The request parsing and the answers follow Grafana's handlers, cited at each one. Grafana Live
// (centrifuge over a websocket at /api/live/ws) runs the plugin's SubscribeStream/RunStream
// (live.go).
package bridge

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	sdkgrpc "github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/backend/gtime"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
)

// Datasource is the one configured datasource the bridge serves.
type Datasource struct {
	UID      string
	PluginID string
	Settings backend.DataSourceInstanceSettings
}

// Bridge is a running plugin process and the datasource it serves.
type Bridge struct {
	client      *goplugin.Client
	diagnostics sdkgrpc.DiagnosticsClient
	resource    sdkgrpc.ResourceClient
	data        sdkgrpc.DataClient
	stream      sdkgrpc.StreamClient
	live        *Live
	ds          Datasource
	now         func() time.Time

	mu       sync.Mutex // guards settings and updated: the harness saves new settings while requests run
	settings backend.DataSourceInstanceSettings
	updated  time.Time
}

// Start launches the plugin executable and dispenses its gRPC clients.
func Start(executable string, ds Datasource) (*Bridge, error) {
	cmd := exec.Command(executable)
	cmd.Env = os.Environ()
	client := goplugin.NewClient(&goplugin.ClientConfig{
		Cmd: cmd,
		HandshakeConfig: goplugin.HandshakeConfig{
			ProtocolVersion:  sdkgrpc.ProtocolVersion,
			MagicCookieKey:   sdkgrpc.MagicCookieKey,
			MagicCookieValue: sdkgrpc.MagicCookieValue,
		},
		VersionedPlugins: map[int]goplugin.PluginSet{sdkgrpc.ProtocolVersion: {
			"diagnostics": &sdkgrpc.DiagnosticsGRPCPlugin{},
			"resource":    &sdkgrpc.ResourceGRPCPlugin{},
			"data":        &sdkgrpc.DataGRPCPlugin{},
			"stream":      &sdkgrpc.StreamGRPCPlugin{},
		}},
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		Logger:           hclog.New(&hclog.LoggerOptions{Output: io.Discard, Level: hclog.Error}),
		StartTimeout:     30 * time.Second,
	})
	rpc, err := client.Client()
	if err != nil {
		client.Kill()
		return nil, fmt.Errorf("starting %s: %w", executable, err)
	}
	if client.NegotiatedVersion() < 2 {
		client.Kill()
		return nil, errors.New("plugin protocol version not supported")
	}
	b := &Bridge{client: client, ds: ds, settings: ds.Settings, updated: time.Now(), now: time.Now}
	for name, assign := range map[string]func(any) bool{
		"diagnostics": func(raw any) (ok bool) { b.diagnostics, ok = raw.(sdkgrpc.DiagnosticsClient); return },
		"resource":    func(raw any) (ok bool) { b.resource, ok = raw.(sdkgrpc.ResourceClient); return },
		"data":        func(raw any) (ok bool) { b.data, ok = raw.(sdkgrpc.DataClient); return },
		"stream":      func(raw any) (ok bool) { b.stream, ok = raw.(sdkgrpc.StreamClient); return },
	} {
		raw, err := rpc.Dispense(name)
		if err != nil || !assign(raw) {
			client.Kill()
			return nil, fmt.Errorf("dispense %q: %v", name, err)
		}
	}
	if b.live, err = newLive(b, b.stream); err != nil {
		client.Kill()
		return nil, fmt.Errorf("starting Grafana Live: %w", err)
	}
	return b, nil
}

// Live is the bridge's Grafana Live (tests shorten its presence checks).
func (b *Bridge) Live() *Live { return b.live }

// Close stops the streams and the plugin process.
func (b *Bridge) Close() {
	b.live.close()
	b.client.Kill()
}

// UpdateSettings is what saving the datasource does in Grafana: new jsonData and decrypted
// secureJsonData, and a new Updated time, which makes the SDK's instance manager build a new
// instance (grafana-plugin-sdk-go@v0.300.0 backend/datasource/instance_provider.go:72 NeedsUpdate compares it).
func (b *Bridge) UpdateSettings(jsonData json.RawMessage, secure map[string]string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.settings.JSONData = jsonData
	b.settings.DecryptedSecureJSONData = secure
	// strictly later, even within the clock's resolution
	next := time.Now()
	if !next.After(b.updated) {
		next = b.updated.Add(time.Millisecond)
	}
	b.updated = next
	if b.live != nil {
		b.live.settingsChanged()
	}
}

func (b *Bridge) pluginContext() backend.PluginContext {
	b.mu.Lock()
	settings := b.settings
	settings.UID = b.ds.UID
	settings.Updated = b.updated
	b.mu.Unlock()
	return backend.PluginContext{OrgID: 1, PluginID: b.ds.PluginID, DataSourceInstanceSettings: &settings, User: &backend.User{Login: "admin", Role: "Admin"}}
}

// Handler routes the Grafana API paths.
func (b *Bridge) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/ds/query", b.query)
	mux.HandleFunc("GET /api/datasources/uid/{uid}/health", b.health)
	mux.HandleFunc("/api/datasources/uid/{uid}/resources/{rest...}", b.resources)
	mux.Handle("GET /api/live/ws", b.live.ws)
	// not Grafana's API: the harness server tells the bridge when the datasource was saved
	mux.HandleFunc("PUT /bridge/settings", b.putSettings)
	return mux
}

// putSettings is {jsonData, secureJsonData} as the harness stores them after a save.
func (b *Bridge) putSettings(w http.ResponseWriter, r *http.Request) {
	var body struct {
		JSONData       json.RawMessage   `json:"jsonData"`
		SecureJSONData map[string]string `json:"secureJsonData"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body); err != nil || len(body.JSONData) == 0 {
		apiError(w, http.StatusBadRequest, "expected {jsonData, secureJsonData}")
		return
	}
	b.UpdateSettings(body.JSONData, body.SecureJSONData)
	writeJSON(w, http.StatusOK, map[string]string{"message": "Datasource updated"})
}

// apiError is Grafana's JSON error body (pkg/api/response: {"message": …}).
func apiError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]string{"message": message})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	encoded, err := json.Marshal(body)
	if err != nil {
		status, encoded = http.StatusInternalServerError, []byte(`{"message":"encoding the response failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(encoded)
}

// metricRequest is pkg/api/dtos MetricRequest: from, to and the raw queries.
type metricRequest struct {
	From    string            `json:"from"`
	To      string            `json:"to"`
	Queries []json.RawMessage `json:"queries"`
}

// parseTime reads Grafana's time strings: epoch milliseconds, "now", or "now-<duration>"
// (what gtime.NewTimeRange accepts for the common cases).
func parseTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMilli(ms), nil
	}
	if s == "now" {
		return now, nil
	}
	if rest, ok := strings.CutPrefix(s, "now-"); ok {
		d, err := gtime.ParseDuration(rest)
		if err != nil {
			return time.Time{}, err
		}
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("unsupported time %q", s)
}

// query is POST /api/ds/query: grafana/grafana pkg/api/ds_query.go QueryMetricsV2 and
// pkg/services/query/query.go parseMetricRequest (refId default "A", maxDataPoints 100,
// intervalMs 1000, queryType, the query JSON as sent); the answer is the QueryDataResponse
// JSON, 400 when any query has an error (toJsonStreamingResponse).
func (b *Bridge) query(w http.ResponseWriter, r *http.Request) {
	var req metricRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 16<<20)).Decode(&req); err != nil {
		apiError(w, http.StatusBadRequest, "bad request data")
		return
	}
	if len(req.Queries) == 0 {
		apiError(w, http.StatusBadRequest, "No queries found")
		return
	}
	now := b.now()
	from, errFrom := parseTime(req.From, now)
	to, errTo := parseTime(req.To, now)
	if errFrom != nil || errTo != nil {
		apiError(w, http.StatusBadRequest, "bad request data")
		return
	}
	qdr := &backend.QueryDataRequest{PluginContext: b.pluginContext()}
	for _, raw := range req.Queries {
		var q struct {
			RefID         *string         `json:"refId"`
			Datasource    json.RawMessage `json:"datasource"`
			MaxDataPoints *int64          `json:"maxDataPoints"`
			IntervalMs    *int64          `json:"intervalMs"`
			QueryType     string          `json:"queryType"`
		}
		if err := json.Unmarshal(raw, &q); err != nil {
			apiError(w, http.StatusBadRequest, "bad request data")
			return
		}
		var ref struct {
			UID string `json:"uid"`
		}
		if json.Unmarshal(q.Datasource, &ref) != nil {
			_ = json.Unmarshal(q.Datasource, &ref.UID) // before 8.3 the datasource could be a string
		}
		if ref.UID == "" {
			apiError(w, http.StatusBadRequest, "missing data source ID/UID")
			return
		}
		if ref.UID != b.ds.UID {
			apiError(w, http.StatusNotFound, "Data source not found")
			return
		}
		dq := backend.DataQuery{RefID: "A", MaxDataPoints: 100, Interval: time.Second, QueryType: q.QueryType, JSON: raw, TimeRange: backend.TimeRange{From: from.UTC(), To: to.UTC()}}
		if q.RefID != nil {
			dq.RefID = *q.RefID
		}
		if q.MaxDataPoints != nil {
			dq.MaxDataPoints = *q.MaxDataPoints
		}
		if q.IntervalMs != nil {
			dq.Interval = time.Duration(*q.IntervalMs) * time.Millisecond
		}
		qdr.Queries = append(qdr.Queries, dq)
	}
	protoRes, err := b.data.QueryData(r.Context(), backend.ToProto().QueryDataRequest(qdr))
	if err != nil {
		apiError(w, http.StatusInternalServerError, "Query data error")
		return
	}
	res, err := backend.FromProto().QueryDataResponse(protoRes)
	if err != nil {
		apiError(w, http.StatusInternalServerError, "Query data error")
		return
	}
	status := http.StatusOK
	for _, one := range res.Responses {
		if one.Error != nil {
			status = http.StatusBadRequest
			break
		}
	}
	writeJSON(w, status, res)
}

// health is GET /api/datasources/uid/<uid>/health: pkg/api/datasources.go
// checkDatasourceHealth — {status, message, details?}, 400 unless the status is OK.
func (b *Bridge) health(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("uid") != b.ds.UID {
		apiError(w, http.StatusInternalServerError, "Unable to load datasource metadata")
		return
	}
	protoRes, err := b.diagnostics.CheckHealth(r.Context(), &pluginv2.CheckHealthRequest{PluginContext: backend.ToProto().PluginContext(b.pluginContext()), Headers: map[string]string{}})
	if err != nil {
		apiError(w, http.StatusInternalServerError, "Plugin health check failed")
		return
	}
	res := backend.FromProto().CheckHealthResponse(protoRes)
	payload := map[string]any{"status": res.Status.String(), "message": res.Message}
	if len(res.JSONDetails) > 0 {
		var details map[string]any
		if err := json.Unmarshal(res.JSONDetails, &details); err != nil {
			apiError(w, http.StatusInternalServerError, "Failed to unmarshal detailed response from backend plugin")
			return
		}
		payload["details"] = details
	}
	status := http.StatusOK
	if res.Status != backend.HealthStatusOk {
		status = http.StatusBadRequest
	}
	writeJSON(w, status, payload)
}

// resources is /api/datasources/uid/<uid>/resources/*: pkg/api/plugin_resource.go
// pluginResourceRequest (Path = the part after resources/, URL = it plus the query string) and
// flushStream (the plugin's status and headers, Set-Cookie dropped, a JSON content type when none).
func (b *Bridge) resources(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("uid") != b.ds.UID {
		apiError(w, http.StatusInternalServerError, "Unable to load datasource meta data")
		return
	}
	rawURL := r.PathValue("rest")
	if r.URL.RawQuery != "" {
		rawURL += "?" + r.URL.RawQuery
	}
	parsed, err := url.Parse(rawURL)
	if err != nil {
		apiError(w, http.StatusBadRequest, "Failed for create plugin resource request")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		apiError(w, http.StatusBadRequest, "failed to read request body")
		return
	}
	req := &backend.CallResourceRequest{PluginContext: b.pluginContext(), Path: parsed.Path, Method: r.Method, URL: parsed.String(), Headers: r.Header, Body: body}
	stream, err := b.resource.CallResource(r.Context(), backend.ToProto().CallResourceRequest(req))
	if err != nil {
		apiError(w, http.StatusInternalServerError, "Failed to call resource")
		return
	}
	first := true
	for {
		protoRes, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			if first {
				apiError(w, http.StatusInternalServerError, "received empty resource response")
			}
			return
		}
		if err != nil {
			if first {
				apiError(w, http.StatusInternalServerError, "Failed to call resource")
			}
			return
		}
		res := backend.FromProto().CallResourceResponse(protoRes)
		if first {
			hasType := false
			for k, values := range res.Headers {
				k = textproto.CanonicalMIMEHeaderKey(k)
				if k == "Set-Cookie" {
					continue
				}
				hasType = hasType || k == "Content-Type"
				for _, v := range values {
					w.Header().Add(k, v)
				}
			}
			if !hasType && res.Status != http.StatusNoContent {
				w.Header().Set("Content-Type", "application/json")
			}
			w.WriteHeader(res.Status)
			first = false
		}
		_, _ = w.Write(res.Body)
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
}
