package plugin

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// proxyStack is the real nodescope proxy over the simulated upstreams (testdata/proxystack.mjs,
// backend-proxy/src/simulators/stack.ts), started per test.
type proxyStack struct {
	URL    string `json:"url"`
	APIKey string `json:"apiKey"`
	mu     sync.Mutex
	stdin  io.WriteCloser
	lines  *bufio.Scanner
}

// repoRoot is the nodescope checkout (this package is plugins/datasource/pkg/plugin).
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func startProxyStack(t testing.TB) *proxyStack {
	t.Helper()
	root := repoRoot(t)
	node := nodeBinary(t, root)
	if _, err := os.Stat(filepath.Join(root, "backend-proxy", "dist", "src", "simulators", "stack.js")); err != nil {
		t.Fatal("backend-proxy/dist is absent: run `npm run build -w plugins/shared -w backend-proxy` (scripts/test.sh builds it before go test)")
	}
	cmd := exec.Command(node, filepath.Join("testdata", "proxystack.mjs"), root)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stack := &proxyStack{stdin: stdin, lines: bufio.NewScanner(stdout)}
	stack.lines.Buffer(make([]byte, 64<<10), 1<<20)
	t.Cleanup(func() {
		_ = stdin.Close() // the script closes the proxy and the simulators when stdin ends
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	ready := make(chan error, 1)
	go func() {
		line, err := stack.next()
		if err != nil {
			ready <- fmt.Errorf("proxystack.mjs ended before listening: %v", err)
			return
		}
		ready <- json.Unmarshal(line, stack)
	}()
	select {
	case err := <-ready:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the proxy over the simulators did not start within 60 s")
	}
	return stack
}

// do applies one simulator command (see the commands in testdata/proxystack.mjs).
func (s *proxyStack) do(t testing.TB, command map[string]any) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	line, _ := json.Marshal(command)
	if _, err := fmt.Fprintf(s.stdin, "%s\n", line); err != nil {
		t.Fatal(err)
	}
	raw, err := s.next()
	if err != nil {
		t.Fatalf("proxystack.mjs ended: %v", err)
	}
	var answer struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal(raw, &answer); err != nil || !answer.OK {
		t.Fatalf("%s: %s %v", line, answer.Error, err)
	}
}

// next is the script's next own line; the proxy's log lines (pino JSON with a "level"; the
// "listening on" line is written whatever the level) share stdout and are skipped.
func (s *proxyStack) next() ([]byte, error) {
	for s.lines.Scan() {
		var probe map[string]json.RawMessage
		if json.Unmarshal(s.lines.Bytes(), &probe) != nil {
			continue
		}
		if _, isLog := probe["level"]; isLog {
			continue
		}
		return append([]byte(nil), s.lines.Bytes()...), nil
	}
	if s.lines.Err() != nil {
		return nil, s.lines.Err()
	}
	return nil, io.EOF
}

// postQuery sends body to the proxy's own /api/query with its API key, as any client of the
// proxy would (the direct answer the backend's is compared with, or timed against).
func (s *proxyStack) postQuery(t testing.TB, body []byte) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/api/query", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+s.APIKey)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// nodeBinary is the Node the npm scripts run (the `node` package in node_modules, 22.x: the
// proxy needs >= 22.12, e.g. JSON.rawJSON), else the one on PATH.
func nodeBinary(t testing.TB, root string) string {
	t.Helper()
	local := filepath.Join(root, "node_modules", "node", "bin", "node")
	if _, err := os.Stat(local); err == nil {
		return local
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not on PATH and node_modules has none: the real-proxy tests need Node (run npm ci)")
	}
	return node
}
