package bridge

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// The bridge over the real binary (built by plugins/datasource/scripts/build-backend.mjs) and the
// real proxy over the simulators (plugins/datasource/pkg/plugin/testdata/proxystack.mjs).

func root(t *testing.T) string {
	r, _ := filepath.Abs(filepath.Join("..", ".."))
	return r
}

func node(t *testing.T) string {
	local := filepath.Join(root(t), "node_modules", "node", "bin", "node")
	if _, err := os.Stat(local); err == nil {
		return local
	}
	n, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("no Node (run npm ci): the bridge test builds the plugin and starts the proxy with it")
	}
	return n
}

func buildPlugin(t *testing.T) string {
	out := t.TempDir()
	cmd := exec.Command(node(t), filepath.Join("scripts", "build-backend.mjs"), "--out", out, "--only", runtime.GOOS+"/"+runtime.GOARCH)
	cmd.Dir = filepath.Join(root(t), "plugins", "datasource")
	if output, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, output)
	}
	name := "gpx_nodescope_" + runtime.GOOS + "_" + runtime.GOARCH
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	return filepath.Join(out, name)
}

func startProxy(t *testing.T) (url, key string) {
	if _, err := os.Stat(filepath.Join(root(t), "backend-proxy", "dist", "src", "simulators", "stack.js")); err != nil {
		t.Fatal("backend-proxy/dist is absent: run `npm run build -w plugins/shared -w backend-proxy` (scripts/test.sh builds it before go test)")
	}
	cmd := exec.Command(node(t), filepath.Join(root(t), "plugins", "datasource", "pkg", "plugin", "testdata", "proxystack.mjs"), root(t))
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = stdin.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		var first struct{ URL, APIKey string }
		if json.Unmarshal(lines.Bytes(), &first) == nil && first.URL != "" {
			go func() { _, _ = io.Copy(io.Discard, stdout) }()
			return first.URL, first.APIKey
		}
	}
	t.Fatal("the proxy did not start")
	return "", ""
}

func call(t *testing.T, method, url, body string) (int, map[string]any, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: not JSON: %s", method, url, raw)
	}
	return res.StatusCode, out, res.Header
}

// startBridge runs the built plugin behind the bridge with one nodescope datasource that reads a
// real proxy (its URL in jsonData, its API key as a decrypted secure field, as Grafana passes them).
func startBridge(t *testing.T) (b *Bridge, proxyURL, key string) {
	t.Helper()
	proxyURL, key = startProxy(t)
	jsonData, _ := json.Marshal(map[string]string{"proxyUrl": proxyURL})
	b, err := Start(buildPlugin(t), Datasource{UID: "nodescope", PluginID: "nodescope-crypto-datasource",
		Settings: backend.DataSourceInstanceSettings{JSONData: jsonData, DecryptedSecureJSONData: map[string]string{"apiKey": key}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b, proxyURL, key
}

func TestBridgeServesGrafanasAPIOnTheRealBinary(t *testing.T) {
	b, proxyURL, key := startBridge(t)
	server := httptest.NewServer(b.Handler())
	t.Cleanup(server.Close)

	// Save & test: 200 with status OK once the sources answered
	var status int
	var health map[string]any
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		status, health, _ = call(t, "GET", server.URL+"/api/datasources/uid/nodescope/health", "")
		if status == 200 && !strings.Contains(fmt.Sprint(health["message"]), "starting") {
			break
		}
	}
	if status != 200 || health["status"] != "OK" || !strings.HasPrefix(fmt.Sprint(health["message"]), "nodescope proxy: ") || health["details"] == nil {
		t.Fatalf("health %d %v", status, health)
	}

	// /api/ds/query as DataSourceWithBackend sends it: one good query → 200 with frames
	body := `{"from":"now-1h","to":"now","queries":[{"refId":"A","datasource":{"type":"nodescope-crypto-datasource","uid":"nodescope"},"sourceId":"farm-a","query":"miners","intervalMs":15000,"maxDataPoints":500}]}`
	status, out, _ := call(t, "POST", server.URL+"/api/ds/query", body)
	a := out["results"].(map[string]any)["A"].(map[string]any)
	frames, _ := a["frames"].([]any)
	if status != 200 || a["status"] != float64(200) || len(frames) != 1 {
		t.Fatalf("ds/query %d %v", status, out)
	}
	schema := frames[0].(map[string]any)["schema"].(map[string]any)
	if schema["name"] != "miners" || schema["refId"] != "A" {
		t.Fatalf("frame schema %v", schema)
	}
	// a query error makes the whole answer 400 with every result in it (ds_query.go)
	body = `{"from":"1700000000000","to":"1700003600000","queries":[{"refId":"A","datasource":{"uid":"nodescope"},"sourceId":"farm-a","query":"miners"},{"refId":"B","datasource":{"uid":"nodescope"},"sourceId":"nope","query":"miners"}]}`
	status, out, _ = call(t, "POST", server.URL+"/api/ds/query", body)
	results := out["results"].(map[string]any)
	if status != 400 || results["B"].(map[string]any)["status"] != float64(400) || !strings.Contains(fmt.Sprint(results["B"].(map[string]any)["error"]), `unknown source "nope"`) || results["A"].(map[string]any)["frames"] == nil {
		t.Fatalf("ds/query with an error %d %v", status, out)
	}
	// another datasource's uid, bad bodies
	if status, out, _ = call(t, "POST", server.URL+"/api/ds/query", `{"from":"now-1h","to":"now","queries":[{"refId":"A","datasource":{"uid":"other"}}]}`); status != 404 || out["message"] != "Data source not found" {
		t.Fatalf("other uid %d %v", status, out)
	}
	if status, _, _ = call(t, "POST", server.URL+"/api/ds/query", `{"queries":`); status != 400 {
		t.Fatalf("bad body %d", status)
	}

	// resources, the plugin's status and body passed on
	status, out, header := call(t, "GET", server.URL+"/api/datasources/uid/nodescope/resources/variables?name=miners&sourceId=farm-a", "")
	if status != 200 || len(out["values"].([]any)) == 0 || !strings.HasPrefix(header.Get("Content-Type"), "application/json") {
		t.Fatalf("resources %d %v", status, out)
	}
	if status, out, _ = call(t, "GET", server.URL+"/api/datasources/uid/nodescope/resources/query", ""); status != 404 {
		t.Fatalf("not a resource %d %v", status, out)
	}

	// saving the datasource with another key: the next health check runs on a new instance with
	// it (the SDK compares Updated) and the backend says the key was refused; the right key again
	// is OK again
	if status, _, _ = call(t, "PUT", server.URL+"/bridge/settings", `{"jsonData":{"proxyUrl":"`+proxyURL+`"},"secureJsonData":{"apiKey":"wrong-key-123456"}}`); status != 200 {
		t.Fatalf("settings %d", status)
	}
	status, health, _ = call(t, "GET", server.URL+"/api/datasources/uid/nodescope/health", "")
	if status != 400 || health["status"] != "ERROR" || !strings.Contains(fmt.Sprint(health["message"]), "(HTTP 401) — the proxy refused the API key") {
		t.Fatalf("health with a wrong key %d %v", status, health)
	}
	if status, _, _ = call(t, "PUT", server.URL+"/bridge/settings", `{"jsonData":{"proxyUrl":"`+proxyURL+`"},"secureJsonData":{"apiKey":"`+key+`"}}`); status != 200 {
		t.Fatalf("settings %d", status)
	}
	if status, health, _ = call(t, "GET", server.URL+"/api/datasources/uid/nodescope/health", ""); status != 200 || health["status"] != "OK" {
		t.Fatalf("health with the key again %d %v", status, health)
	}
	if status, _, _ = call(t, "PUT", server.URL+"/bridge/settings", `{"secureJsonData":{}}`); status != 400 {
		t.Fatalf("settings without jsonData %d", status)
	}
}
