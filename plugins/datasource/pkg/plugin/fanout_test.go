package plugin

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// sourceId "*" with `kind` and `fields`: the shape the live alert rules query.
func TestFanOutMergesTablesAndLabelsSeries(t *testing.T) {
	proxy := newFakeProxy(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/sources" {
			writeJSON(w, 200, `{"sources":[{"id":"farm-a","kind":"cgminer","queries":["miners"]},{"id":"farm-b","kind":"cgminer","queries":["miners"]},{"id":"profit","kind":"profitability","queries":["miners"]},{"id":"farm-c","kind":"cgminer","queries":["miners"]},{"id":"btc","kind":"bitcoin","queries":["chain.info"]}]}`)
			return
		}
		reqs := recordedBody(r)
		var body proxyRequest
		_ = json.Unmarshal(reqs, &body)
		results := map[string]any{}
		for _, q := range body.Queries {
			switch q.SourceID {
			case "farm-c":
				results[q.RefID] = map[string]any{"frames": []any{}, "error": "farm-c: connect ECONNREFUSED", "status": 502}
			case "btc":
				results[q.RefID] = json.RawMessage(`{"frames":[{"schema":{"name":"chain.info","fields":[{"name":"time","type":"time"},{"name":"tipAgeSeconds","type":"number"},{"name":"chain","type":"string"}]},"data":{"values":[[1700000000000],[42],["main"]]}}]}`)
			default:
				results[q.RefID] = json.RawMessage(`{"frames":[{"schema":{"name":"miners","fields":[{"name":"miner","type":"string"},{"name":"online","type":"boolean"},{"name":"hashrate","type":"number"}]},"data":{"values":[["` + q.SourceID + `-1","` + q.SourceID + `-2"],[true,false],[1,0]]}}]}`)
			}
		}
		encoded, _ := json.Marshal(map[string]any{"results": results})
		writeJSON(w, 200, string(encoded))
	})
	lastBody = func() []byte { reqs := proxy.recorded(); return reqs[len(reqs)-1].Body }
	ds := newTestDatasource(t, instanceSettings(proxy.URL, "", nil))
	qs := []backend.DataQuery{
		dataQuery("A", map[string]any{"sourceId": "*", "kind": "cgminer", "query": "miners", "fields": []string{"miner", "online"}}, from, to),
		dataQuery("B", map[string]any{"sourceId": "*", "query": "chain.info", "fields": []string{"time", "tipAgeSeconds"}}, from, to),
		dataQuery("C", map[string]any{"sourceId": "*", "query": "nope"}, from, to),
		dataQuery("D", map[string]any{"sourceId": "*", "kind": "cgminer", "query": "miners", "fields": []string{"miner", "temp"}}, from, to),
	}
	res, _ := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: qs})

	a := res.Responses["A"]
	if a.Error != nil || len(a.Frames) != 1 {
		t.Fatalf("A %+v", a)
	}
	f := a.Frames[0]
	// profit is another kind; farm-c failed and is a notice, not an error (the rule keeps the others)
	if f.Rows() != 4 || f.Fields[0].Name != "source" || f.Fields[1].Name != "miner" || f.Fields[2].Type() != data.FieldTypeNullableFloat64 || len(f.Fields) != 3 {
		t.Fatalf("A frame:\n%v", f)
	}
	if got := *f.Fields[2].At(1).(*float64); got != 0 {
		t.Fatalf("online=false → 0, got %v", got)
	}
	if f.Fields[0].At(2).(string) != "farm-b" || len(f.Meta.Notices) != 1 || !strings.Contains(f.Meta.Notices[0].Text, "ECONNREFUSED") {
		t.Fatalf("A rows/notices: %v %+v", f, f.Meta)
	}
	b := res.Responses["B"]
	if b.Error != nil || len(b.Frames) != 1 || b.Frames[0].Fields[1].Labels["source"] != "btc" || len(b.Frames[0].Fields) != 2 {
		t.Fatalf("B %+v", b)
	}
	if c := res.Responses["C"]; c.Status != 400 || !strings.Contains(c.Error.Error(), `no configured source serves the query "nope"`) {
		t.Fatalf("C %+v", c)
	}
	// a field the frame lacks is a clear 400 naming the fields it has
	if d := res.Responses["D"]; d.Error == nil || !strings.Contains(d.Error.Error(), `has no field "temp"; it has: miner, online, hashrate`) {
		t.Fatalf("D %+v", d)
	}
	if _, leaked := res.Responses["A"+fanoutSeparator+"farm-a"]; leaked || len(res.Responses) != 4 {
		t.Fatalf("internal refIds leaked: %v", len(res.Responses))
	}
}

var lastBody func() []byte

func recordedBody(*http.Request) []byte { return lastBody() }
