package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// A frame as the proxy writes it (plugins/shared/src/dataframe.ts toFrame): frontend field
// types, no typeInfo, a unit, labels and meta.
const minersFrame = `{"schema":{"name":"miners","refId":"A","meta":{"preferredVisualisationType":"table","notices":[{"severity":"warning","text":"1 miner did not answer"}]},"fields":[` +
	`{"name":"time","type":"time"},` +
	`{"name":"miner","type":"string"},` +
	`{"name":"hashrate","type":"number","config":{"unit":"Hs","decimals":1},"labels":{"farm":"a"}},` +
	`{"name":"online","type":"boolean"},` +
	`{"name":"pools","type":"other"}]},` +
	`"data":{"values":[[1700000000000,1700000001000],["s9-1","s9-2"],[1.35e13,null],[true,false],[[{"url":"stratum+tcp://p"}],null]]}}`

var (
	from = time.UnixMilli(1_700_000_000_000).UTC()
	to   = from.Add(time.Hour)
)

func TestQueryDataForwardsRangeIntervalAndMaxDataPoints(t *testing.T) {
	proxy := newFakeProxy(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"results":{"A":{"frames":[`+minersFrame+`],"status":200}}}`)
	})
	ds := newTestDatasource(t, instanceSettings(proxy.URL, "k-1", nil))
	q := dataQuery("A", map[string]any{"sourceId": "farm-a", "query": "miners", "params": map[string]any{"miner": "s9-1", "n": 3, "on": true, "list": []any{"a", 1}, "drop": map[string]any{"x": 1}}, "datasource": map[string]any{"uid": "x"}, "hide": false}, from, to)
	res, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{q}})
	if err != nil {
		t.Fatal(err)
	}
	reqs := proxy.recorded()
	if len(reqs) != 1 || reqs[0].Method != "POST" || reqs[0].Path != "/api/query" {
		t.Fatalf("requests %+v", reqs)
	}
	if reqs[0].Authorization != "Bearer k-1" {
		t.Fatalf("Authorization %q", reqs[0].Authorization)
	}
	// backend-proxy/src/http/schemas.ts queryRequestSchema: strict objects, only these keys;
	// params cleaned as src/migrations.ts cleanParams does (lists of strings, objects dropped)
	want := `{"queries":[{"refId":"A","sourceId":"farm-a","query":"miners","params":{"list":["a","1"],"miner":"s9-1","n":3,"on":true}}],"range":{"from":1700000000000,"to":1700003600000},"intervalMs":15000,"maxDataPoints":500}`
	if string(reqs[0].Body) != want {
		t.Fatalf("body\n got %s\nwant %s", reqs[0].Body, want)
	}
	r := res.Responses["A"]
	if r.Error != nil || r.Status != backend.StatusOK || len(r.Frames) != 1 {
		t.Fatalf("response %+v", r)
	}
	f := r.Frames[0]
	if f.Name != "miners" || f.RefID != "A" || f.Meta.PreferredVisualization != data.VisTypeTable || len(f.Meta.Notices) != 1 || f.Meta.Notices[0].Text != "1 miner did not answer" {
		t.Fatalf("frame %+v meta %+v", f, f.Meta)
	}
	wantTypes := []data.FieldType{data.FieldTypeNullableTime, data.FieldTypeNullableString, data.FieldTypeNullableFloat64, data.FieldTypeNullableBool, data.FieldTypeJSON}
	for i, field := range f.Fields {
		if field.Type() != wantTypes[i] {
			t.Errorf("field %s: type %s, want %s", field.Name, field.Type(), wantTypes[i])
		}
	}
	hash := f.Fields[2]
	if hash.Config == nil || hash.Config.Unit != "Hs" || *hash.Config.Decimals != 1 || hash.Labels["farm"] != "a" {
		t.Fatalf("hashrate config %+v labels %v", hash.Config, hash.Labels)
	}
	if v := hash.At(0).(*float64); *v != 1.35e13 {
		t.Fatalf("hashrate[0] %v", *v)
	}
	if hash.At(1).(*float64) != nil {
		t.Fatal("a null stays null")
	}
	if ts := f.Fields[0].At(1).(*time.Time); !ts.Equal(time.UnixMilli(1_700_000_001_000)) {
		t.Fatalf("time[1] %v", ts)
	}
	if string(f.Fields[4].At(0).(json.RawMessage)) != `[{"url":"stratum+tcp://p"}]` {
		t.Fatalf("pools[0] %s", f.Fields[4].At(0))
	}
}

func TestQueryDataGroupsQueriesByRange(t *testing.T) {
	proxy := newFakeProxy(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"results":{}}`)
	})
	ds := newTestDatasource(t, instanceSettings(proxy.URL, "", nil))
	a := dataQuery("A", map[string]any{"sourceId": "btc-main", "query": "chain.info"}, from, to)
	b := dataQuery("B", map[string]any{"sourceId": "btc-main", "query": "mempool.summary"}, from, to)
	c := dataQuery("C", map[string]any{"sourceId": "btc-main", "query": "chain.info"}, from.Add(-time.Hour), to)
	res, _ := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{a, b, c}})
	reqs := proxy.recorded()
	if len(reqs) != 2 {
		t.Fatalf("want one POST per range, got %d", len(reqs))
	}
	if !strings.Contains(string(reqs[0].Body), `"refId":"A"`) || !strings.Contains(string(reqs[0].Body), `"refId":"B"`) || !strings.Contains(string(reqs[1].Body), `"from":1699996400000`) {
		t.Fatalf("bodies %s | %s", reqs[0].Body, reqs[1].Body)
	}
	if reqs[0].Authorization != "" {
		t.Fatal("no key configured: no Authorization header")
	}
	// an answer without the refId is a per-query error, not a crash
	for _, ref := range []string{"A", "B", "C"} {
		if r := res.Responses[ref]; r.Error == nil || !strings.Contains(r.Error.Error(), "the proxy returned no result") || r.Status != backend.StatusBadGateway {
			t.Fatalf("%s: %+v", ref, r)
		}
	}
}

func TestQueryDataPerQueryErrorsKeepTheirStatus(t *testing.T) {
	// queryRunner.ts: an upstream failure is {"frames":[],"error":"<source>: …","status":502},
	// a QueryInputError status 400; the other queries keep their frames
	proxy := newFakeProxy(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"results":{"A":{"frames":[],"error":"farm-a: miner s9-9 unknown","status":400},"B":{"frames":[],"error":"connect ECONNREFUSED","status":502},"C":{"frames":[`+minersFrame+`],"status":200}}}`)
	})
	ds := newTestDatasource(t, instanceSettings(proxy.URL, "", nil))
	qs := []backend.DataQuery{
		dataQuery("A", map[string]any{"sourceId": "farm-a", "query": "miners"}, from, to),
		dataQuery("B", map[string]any{"sourceId": "farm-a", "query": "pools"}, from, to),
		dataQuery("C", map[string]any{"sourceId": "farm-a", "query": "miners"}, from, to),
	}
	res, _ := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: qs})
	if r := res.Responses["A"]; r.Status != 400 || r.Error.Error() != "farm-a: miner s9-9 unknown" || r.ErrorSource != backend.ErrorSourceDownstream {
		t.Fatalf("A %+v", r)
	}
	// the rule the frontend had before it went through this backend (src/frames.ts shapeQueryResults): name source and query unless the message does
	if r := res.Responses["B"]; r.Status != 502 || r.Error.Error() != "farm-a pools: connect ECONNREFUSED" {
		t.Fatalf("B %+v", r)
	}
	if r := res.Responses["C"]; r.Error != nil || len(r.Frames) != 1 || r.Frames[0].RefID != "C" {
		t.Fatalf("C %+v", r)
	}
}

func TestQueryDataWholeRequest400IsRetriedPerQuery(t *testing.T) {
	// queryRunner.ts resolveQueries: one unknown source fails the whole POST with 400 {error}
	proxy := newFakeProxy(t, nil)
	var calls int
	proxy.handler = func(w http.ResponseWriter, r *http.Request) {
		calls++
		reqs := proxy.recorded()
		body := string(reqs[len(reqs)-1].Body)
		if strings.Contains(body, `"sourceId":"nope"`) {
			writeJSON(w, 400, `{"error":"queries[B]: unknown source \"nope\" (see GET /api/sources)","statusCode":400}`)
			return
		}
		writeJSON(w, 200, `{"results":{"A":{"frames":[`+minersFrame+`],"status":200}}}`)
	}
	ds := newTestDatasource(t, instanceSettings(proxy.URL, "", nil))
	qs := []backend.DataQuery{
		dataQuery("A", map[string]any{"sourceId": "farm-a", "query": "miners"}, from, to),
		dataQuery("B", map[string]any{"sourceId": "nope", "query": "miners"}, from, to),
	}
	res, _ := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: qs})
	if calls != 3 {
		t.Fatalf("want the pair, then each alone: %d calls", calls)
	}
	if r := res.Responses["A"]; r.Error != nil || len(r.Frames) != 1 {
		t.Fatalf("A %+v", r)
	}
	if r := res.Responses["B"]; r.Status != 400 || !strings.Contains(r.Error.Error(), `unknown source "nope"`) || !strings.HasPrefix(r.Error.Error(), "nope miners: ") {
		t.Fatalf("B %+v", r)
	}
}

func TestQueryDataRefusedKeyAndUnreachableProxy(t *testing.T) {
	proxy := newFakeProxy(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="nodescope"`)
		writeJSON(w, 401, `{"error":"invalid API key","statusCode":401}`)
	})
	ds := newTestDatasource(t, instanceSettings(proxy.URL, "wrong", nil))
	q := dataQuery("A", map[string]any{"sourceId": "farm-a", "query": "miners"}, from, to)
	res, _ := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{q}})
	r := res.Responses["A"]
	if r.Status != 401 || !strings.Contains(r.Error.Error(), "invalid API key (HTTP 401)") || !strings.Contains(r.Error.Error(), "the proxy refused the API key") {
		t.Fatalf("%+v", r)
	}

	closed := newFakeProxy(t, func(http.ResponseWriter, *http.Request) {})
	url := closed.URL
	closed.Close()
	ds = newTestDatasource(t, instanceSettings(url, "", nil))
	res, _ = ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{q}})
	r = res.Responses["A"]
	if r.Status != backend.StatusBadGateway || !strings.Contains(r.Error.Error(), "is the proxy running") {
		t.Fatalf("%+v", r)
	}
}

func TestQueryDataBadQueriesAreClear400s(t *testing.T) {
	proxy := newFakeProxy(t, func(w http.ResponseWriter, r *http.Request) { t.Error("nothing to send") })
	ds := newTestDatasource(t, instanceSettings(proxy.URL, "", nil))
	bad := backend.DataQuery{RefID: "A", JSON: []byte(`{"sourceId": 5`)}
	empty := dataQuery("B", map[string]any{}, from, to)
	anno := dataQuery("C", map[string]any{"queryType": "annotations", "sourceId": "btc-main"}, from, to)
	res, _ := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{bad, empty, anno}})
	for ref, want := range map[string]string{"A": "is not a nodescope query", "B": "choose a source and a query", "C": "choose a source and an annotation type"} {
		if r := res.Responses[ref]; r.Status != 400 || !strings.Contains(r.Error.Error(), want) {
			t.Errorf("%s: %+v", ref, r)
		}
	}

	// settings without a proxy URL: every query says so
	ds = newTestDatasource(t, backend.DataSourceInstanceSettings{JSONData: []byte(`{}`)})
	res, _ = ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{empty}})
	if r := res.Responses["B"]; r.Status != 400 || !strings.Contains(r.Error.Error(), "the Proxy URL is not set") {
		t.Fatalf("%+v", r)
	}
}

func TestQueryDataAliasAndLegendFormat(t *testing.T) {
	proxy := newFakeProxy(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"results":{"A":{"frames":[`+minersFrame+`]},"B":{"frames":[`+minersFrame+`]}}}`)
	})
	ds := newTestDatasource(t, instanceSettings(proxy.URL, "", nil))
	qs := []backend.DataQuery{
		dataQuery("A", map[string]any{"schemaVersion": 1, "sourceId": "farm-a", "query": "miners", "alias": "{{source}} {{field}} {{farm}} {{nope}}"}, from, to),
		// unversioned queries copied from Prometheus panels: legendFormat is the alias (src/migrations.ts)
		dataQuery("B", map[string]any{"sourceId": "farm-a", "query": "miners", "legendFormat": "{{ query }}"}, from, to),
	}
	res, _ := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: qs})
	if got := res.Responses["A"].Frames[0].Fields[2].Config.DisplayNameFromDS; got != "farm-a hashrate a {{nope}}" {
		t.Fatalf("A alias %q", got)
	}
	if got := res.Responses["B"].Frames[0].Fields[2].Config.DisplayNameFromDS; got != "miners" {
		t.Fatalf("B alias %q", got)
	}
	if cfg := res.Responses["A"].Frames[0].Fields[1].Config; cfg != nil && cfg.DisplayNameFromDS != "" {
		t.Fatal("only number fields get the alias")
	}
}

func TestQueryDataAnnotations(t *testing.T) {
	proxy := newFakeProxy(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"annotations":[{"time":1700000100000,"title":"Block 800000","text":"2,345 tx","tags":["block"]},{"time":1700000200000,"timeEnd":1700000300000,"title":"Reorg","text":"depth 1","tags":[]}]}`)
	})
	ds := newTestDatasource(t, instanceSettings(proxy.URL, "", nil))
	q := dataQuery("Anno", map[string]any{"queryType": "annotations", "sourceId": "btc-main", "annotationType": "blocks", "query": ""}, from, to)
	res, _ := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{q}})
	reqs := proxy.recorded()
	if reqs[0].Method != "GET" || reqs[0].Path != "/api/annotations" || reqs[0].RawQuery != "from=1700000000000&sourceId=btc-main&to=1700003600000&type=blocks" {
		t.Fatalf("%+v", reqs[0])
	}
	r := res.Responses["Anno"]
	f := r.Frames[0]
	if r.Error != nil || f.Meta.DataTopic != data.DataTopicAnnotations || f.Rows() != 2 || f.RefID != "Anno" {
		t.Fatalf("%+v", r)
	}
	names := []string{}
	for _, field := range f.Fields {
		names = append(names, field.Name)
	}
	if strings.Join(names, ",") != "time,timeEnd,title,text,tags" {
		t.Fatalf("fields %v", names)
	}
	// no timeEnd: the annotation is a point (timeEnd = time), as src/frames.ts annotationsToFrame
	if !f.Fields[1].At(0).(time.Time).Equal(time.UnixMilli(1_700_000_100_000)) || !f.Fields[1].At(1).(time.Time).Equal(time.UnixMilli(1_700_000_300_000)) {
		t.Fatal("timeEnd")
	}
	if string(f.Fields[4].At(1).(json.RawMessage)) != "[]" {
		t.Fatal("tags")
	}
}

func TestLiveQueriesCarryTheirChannel(t *testing.T) {
	proxy := newFakeProxy(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"results":{"A":{"frames":[`+minersFrame+`]}}}`)
	})
	ds := newTestDatasource(t, instanceSettings(proxy.URL, "", nil))
	q := dataQuery("A", map[string]any{"sourceId": "btc-main", "query": "mempool.summary", "live": true, "params": map[string]any{"bands": "6"}, "alias": "{{field}} on {{source}}", "fields": []string{"time", "hashrate"}}, from, to)
	res, _ := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{q}})
	channel := res.Responses["A"].Frames[0].Meta.Channel
	if !strings.HasPrefix(channel, "ds/nodescope-uid/stream/") {
		t.Fatalf("channel %q", channel)
	}
	key, err := DecodeStreamPath(strings.TrimPrefix(channel, "ds/nodescope-uid/"))
	if err != nil || key.SourceID != "btc-main" || key.Query != "mempool.summary" || key.Params["bands"] != "6" {
		t.Fatalf("%+v %v", key, err)
	}
	// the shape travels with the channel, so RunStream's frames keep the first result's schema
	if fmt.Sprint(key.Shape.Fields) != "[time hashrate]" || key.Shape.Alias != "{{field}} on {{source}}" {
		t.Fatalf("shape %+v", key.Shape)
	}
}

// Each frame of a live result with several gets its own channel (Grafana keeps one
// StreamingDataFrame per channel id), naming the frame it follows.
func TestLiveFramesOfOneResultGetTheirOwnChannels(t *testing.T) {
	two := `{"schema":{"name":"a","fields":[{"name":"time","type":"time"},{"name":"v","type":"number"}]},"data":{"values":[[1700000000000],[1]]}}`
	proxy := newFakeProxy(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"results":{"A":{"frames":[`+two+`,`+strings.Replace(two, `"name":"a"`, `"name":"b"`, 1)+`]}}}`)
	})
	ds := newTestDatasource(t, instanceSettings(proxy.URL, "", nil))
	q := dataQuery("A", map[string]any{"sourceId": "btc-main", "query": "mempool.blocks", "live": true}, from, to)
	res, _ := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{q}})
	frames := res.Responses["A"].Frames
	if len(frames) != 2 || frames[0].Meta.Channel == frames[1].Meta.Channel {
		t.Fatalf("channels %v", frames)
	}
	for i, name := range []string{"a", "b"} {
		key, err := DecodeStreamPath(strings.TrimPrefix(frames[i].Meta.Channel, "ds/nodescope-uid/"))
		if err != nil || key.Shape.Name != name {
			t.Fatalf("frame %d: %+v %v", i, key, err)
		}
	}
}
