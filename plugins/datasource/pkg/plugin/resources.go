package plugin

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// Resources the editors read with getResource(path, params); each is the proxy's GET
// /api/<path> with the same query string (routes/health.ts, variables.ts, annotations.ts).
var resourcePaths = map[string]bool{"sources": true, "variables": true, "annotations": true, "health": true}

// CallResource serves /api/datasources/uid/<uid>/resources/<path>.
func (d *Datasource) CallResource(ctx context.Context, req *backend.CallResourceRequest, sender backend.CallResourceResponseSender) error {
	path := strings.Trim(req.Path, "/")
	if !resourcePaths[path] {
		return sendJSON(sender, http.StatusNotFound, map[string]string{"error": "no resource " + strconvQuote(path) + "; the resources are annotations, health, sources, variables"})
	}
	if req.Method != http.MethodGet {
		return sendJSON(sender, http.StatusMethodNotAllowed, map[string]string{"error": req.Method + " is not allowed; resources are read with GET"})
	}
	if d.configErr != nil {
		return sendJSON(sender, http.StatusServiceUnavailable, map[string]string{"error": d.configErr.Error()})
	}
	query := url.Values{}
	if i := strings.IndexByte(req.URL, '?'); i >= 0 {
		parsed, err := url.ParseQuery(req.URL[i+1:])
		if err != nil {
			return sendJSON(sender, http.StatusBadRequest, map[string]string{"error": "query string: " + err.Error()})
		}
		query = parsed
	}
	raw, status, err := d.do(ctx, http.MethodGet, path, query, nil)
	if status == 0 {
		return sendJSON(sender, http.StatusBadGateway, map[string]string{"error": unreachable(err)})
	}
	// the proxy's own answer, errors included ({"error": …} with its status)
	return sender.Send(&backend.CallResourceResponse{
		Status:  status,
		Headers: map[string][]string{"Content-Type": {"application/json; charset=utf-8"}},
		Body:    raw,
	})
}

func sendJSON(sender backend.CallResourceResponseSender, status int, body any) error {
	encoded, _ := json.Marshal(body)
	return sender.Send(&backend.CallResourceResponse{
		Status:  status,
		Headers: map[string][]string{"Content-Type": {"application/json; charset=utf-8"}},
		Body:    encoded,
	})
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
