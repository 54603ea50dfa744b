package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// HealthResponse is GET /api/health (backend-proxy/src/http/routes/health.ts).
type HealthResponse struct {
	Status  string         `json:"status"`
	Sources []SourceHealth `json:"sources"`
}

// SourceHealth is one source's entry in /api/health.
type SourceHealth struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"`
	Name    string `json:"name,omitempty"`
	Status  string `json:"status"`
	Message string `json:"message"`
}

// DescribeHealth is Save & test's result for a health answer, with the messages the frontend
// showed (src/health.ts describeHealth): a count per status, one line per source in details.
func DescribeHealth(h HealthResponse) *backend.CheckHealthResult {
	n := len(h.Sources)
	if n == 0 {
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: "Connected to the nodescope proxy, but it has no sources configured"}
	}
	counts := map[string]int{}
	short := make([]string, 0, n)
	lines := make([]string, 0, n)
	for _, s := range h.Sources {
		counts[s.Status]++
		short = append(short, fmt.Sprintf("%s: %s", s.ID, s.Status))
		line := fmt.Sprintf("%s (%s): %s", s.ID, s.Kind, s.Status)
		if s.Message != "" && s.Message != s.Status {
			line += " — " + s.Message
		}
		lines = append(lines, line)
	}
	var summary []string
	// every SourceStatus of the proxy (plugins/shared/src/wire.ts): a source whose first poll has
	// not answered yet is `starting`, counted like the others
	for _, status := range []string{"ok", "degraded", "down", "starting"} {
		if counts[status] > 0 {
			summary = append(summary, fmt.Sprintf("%d %s", counts[status], status))
		}
	}
	plural := "s"
	if n == 1 {
		plural = ""
	}
	status := backend.HealthStatusOk
	if counts["down"] == n {
		status = backend.HealthStatusError
	}
	details, _ := json.Marshal(map[string]string{"message": strings.Join(short, " · "), "verboseMessage": strings.Join(lines, "\n")})
	message := fmt.Sprintf("nodescope proxy: %d source%s (%s)", n, plural, strings.Join(summary, ", "))
	if status == backend.HealthStatusOk {
		// Grafana shows only the message of a successful check (DataSourceWithBackend.testDatasource
		// drops the details then), so the per-source line goes in it too
		message += " — " + strings.Join(short, " · ")
	}
	return &backend.CheckHealthResult{Status: status, Message: message, JSONDetails: details}
}

// CheckHealth is Save & test: GET /api/health through the configured client.
func (d *Datasource) CheckHealth(ctx context.Context, _ *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	if d.configErr != nil {
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: d.configErr.Error()}, nil
	}
	raw, _, err := d.do(ctx, http.MethodGet, "health", nil, nil)
	if err != nil {
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: "Cannot reach the nodescope proxy: " + unreachable(err)}, nil
	}
	var h HealthResponse
	if err := json.Unmarshal(raw, &h); err != nil {
		return &backend.CheckHealthResult{
			Status:  backend.HealthStatusError,
			Message: "The Proxy URL answered, but not with the nodescope proxy's /api/health: " + err.Error(),
		}, nil
	}
	return DescribeHealth(h), nil
}
