package plugin

// The built binary launched the way Grafana launches a backend plugin, step by step after
// grafana/grafana pkg/plugins/backendplugin/grpcplugin:
//   client.go@43b0aed680373002e5217fd5f7df9aa11345f2be
//     :23-32  handshake = goplugin.HandshakeConfig{ProtocolVersion: grpcplugin.ProtocolVersion,
//             MagicCookieKey: grpcplugin.MagicCookieKey, MagicCookieValue: grpcplugin.MagicCookieValue}
//     :35-45  pluginSet = map[int]goplugin.PluginSet{grpcplugin.ProtocolVersion: {"diagnostics":
//             &grpcplugin.DiagnosticsGRPCPlugin{}, "resource": …, "data": …, "stream": …, …}}
//     :73-83  cmd := exec.Command(executablePath, …); goplugin.ClientConfig{Cmd, HandshakeConfig,
//             VersionedPlugins, AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC}}
//   grpc_plugin.go@72137aa529b09ea6211013467d6df60e123b644e
//     :51     plugin.NewClient(newClientConfig(…))
//     :71-81  rpcClient, err := p.client.Client(); NegotiatedVersion() < 2 is refused
//     :82     newClientV2(descriptor, logger, rpcClient)
//   client_v2.go@1f8fcc5f1f04d52a3e7fb4e219ac78b860a741f1
//     :37-65  rpcClient.Dispense("diagnostics" | "resource" | "data" | "stream")
//     :73-107 each asserted to grpcplugin.DiagnosticsClient / ResourceClient / DataClient / StreamClient
//     :146-159 CheckHealth: pluginv2.CheckHealthRequest{PluginContext: backend.ToProto().PluginContext(…)},
//             backend.FromProto().CheckHealthResponse
//     :167-189 QueryData: backend.ToProto().QueryDataRequest → DataClient.QueryData →
//             backend.FromProto().QueryDataResponse
//     :197-224 CallResource: ResourceClient.CallResource, Recv until io.EOF, FromProto().CallResourceResponse
//     :231-235 SubscribeStream: StreamClient.SubscribeStream(ToProto().SubscribeStreamRequest)
//     :254-275 RunStream: StreamClient.RunStream, Recv packets whose Data is frame JSON, until io.EOF
// The admission, conversion and renderer entries of newer Grafana are absent from
// grafana-plugin-sdk-go v0.300.0's grpcplugin (Dispense of an unknown name fails), so the set is
// the four this SDK serves (backend/grpcplugin/serve.go).

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	sdkgrpc "github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
)

// launched is the plugin process and its four gRPC clients.
type launched struct {
	client      *goplugin.Client
	diagnostics sdkgrpc.DiagnosticsClient
	resource    sdkgrpc.ResourceClient
	data        sdkgrpc.DataClient
	stream      sdkgrpc.StreamClient
}

// builtBinary builds gpx_nodescope_<os>_<arch> for this machine with the release build
// (scripts/build-backend.mjs, the same flags as `npm run build`), or takes
// NODESCOPE_GPX_BINARY when set.
func builtBinary(t testing.TB) string {
	t.Helper()
	if path := os.Getenv("NODESCOPE_GPX_BINARY"); path != "" {
		return path
	}
	node := nodeBinary(t, repoRoot(t))
	out := t.TempDir()
	target := runtime.GOOS + "/" + runtime.GOARCH
	cmd := exec.Command(node, filepath.Join("scripts", "build-backend.mjs"), "--out", out, "--only", target)
	cmd.Dir = filepath.Join("..", "..")
	if output, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build-backend.mjs --only %s: %v\n%s", target, err, output)
	}
	name := "gpx_nodescope_" + runtime.GOOS + "_" + runtime.GOARCH
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	path := filepath.Join(out, name)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the build has no %s target (%s)", target, err)
	}
	return path
}

func launch(t testing.TB, executable string) *launched {
	t.Helper()
	handshake := goplugin.HandshakeConfig{
		ProtocolVersion:  sdkgrpc.ProtocolVersion,
		MagicCookieKey:   sdkgrpc.MagicCookieKey,
		MagicCookieValue: sdkgrpc.MagicCookieValue,
	}
	pluginSet := map[int]goplugin.PluginSet{
		sdkgrpc.ProtocolVersion: {
			"diagnostics": &sdkgrpc.DiagnosticsGRPCPlugin{},
			"resource":    &sdkgrpc.ResourceGRPCPlugin{},
			"data":        &sdkgrpc.DataGRPCPlugin{},
			"stream":      &sdkgrpc.StreamGRPCPlugin{},
		},
	}
	cmd := exec.Command(executable)
	cmd.Env = os.Environ()
	client := goplugin.NewClient(&goplugin.ClientConfig{
		Cmd:              cmd,
		HandshakeConfig:  handshake,
		VersionedPlugins: pluginSet,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		Logger:           hclog.New(&hclog.LoggerOptions{Output: io.Discard, Level: hclog.Error}),
		StartTimeout:     30 * time.Second,
	})
	t.Cleanup(client.Kill)
	rpcClient, err := client.Client()
	if err != nil {
		t.Fatalf("go-plugin handshake with %s: %v", executable, err)
	}
	if v := client.NegotiatedVersion(); v != sdkgrpc.ProtocolVersion {
		t.Fatalf("negotiated protocol %d, Grafana needs %d", v, sdkgrpc.ProtocolVersion)
	}
	l := &launched{client: client}
	for name, assign := range map[string]func(any) bool{
		"diagnostics": func(raw any) (ok bool) { l.diagnostics, ok = raw.(sdkgrpc.DiagnosticsClient); return },
		"resource":    func(raw any) (ok bool) { l.resource, ok = raw.(sdkgrpc.ResourceClient); return },
		"data":        func(raw any) (ok bool) { l.data, ok = raw.(sdkgrpc.DataClient); return },
		"stream":      func(raw any) (ok bool) { l.stream, ok = raw.(sdkgrpc.StreamClient); return },
	} {
		raw, err := rpcClient.Dispense(name)
		if err != nil || !assign(raw) {
			t.Fatalf("dispense %q: %v (%T)", name, err, raw)
		}
	}
	return l
}

// pluginContext is what Grafana sends with each call for a configured datasource.
func pluginContext(settings backend.DataSourceInstanceSettings) backend.PluginContext {
	updated := time.Now()
	settings.Updated = updated
	return backend.PluginContext{OrgID: 1, PluginID: PluginID, DataSourceInstanceSettings: &settings, User: &backend.User{Login: "admin", Role: "Admin"}}
}

func (l *launched) checkHealth(t testing.TB, pc backend.PluginContext) *backend.CheckHealthResult {
	t.Helper()
	res, err := l.diagnostics.CheckHealth(context.Background(), &pluginv2.CheckHealthRequest{PluginContext: backend.ToProto().PluginContext(pc)})
	if err != nil {
		t.Fatal(err)
	}
	return backend.FromProto().CheckHealthResponse(res)
}

func (l *launched) queryData(t testing.TB, req *backend.QueryDataRequest) *backend.QueryDataResponse {
	t.Helper()
	res, err := l.data.QueryData(context.Background(), backend.ToProto().QueryDataRequest(req))
	if err != nil {
		t.Fatal(err)
	}
	out, err := backend.FromProto().QueryDataResponse(res)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (l *launched) callResource(t testing.TB, pc backend.PluginContext, path, rawURL string) []*backend.CallResourceResponse {
	t.Helper()
	stream, err := l.resource.CallResource(context.Background(), backend.ToProto().CallResourceRequest(&backend.CallResourceRequest{PluginContext: pc, Path: path, URL: rawURL, Method: "GET"}))
	if err != nil {
		t.Fatal(err)
	}
	var out []*backend.CallResourceResponse
	for {
		res, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, backend.FromProto().CallResourceResponse(res))
	}
}

func TestLaunchedAsGrafanaLaunchesIt(t *testing.T) {
	stack := startProxyStack(t)
	l := launch(t, builtBinary(t))
	pc := pluginContext(instanceSettings(stack.URL, stack.APIKey, nil))

	// CheckHealth (Save & test); sources report `starting` until their first poll
	var health *backend.CheckHealthResult
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		health = l.checkHealth(t, pc)
		if health.Status == backend.HealthStatusOk && !strings.Contains(health.Message, "starting") {
			break
		}
	}
	if health.Status != backend.HealthStatusOk || !strings.HasPrefix(health.Message, "nodescope proxy: ") || !strings.Contains(string(health.JSONDetails), "farm-a (cgminer)") {
		t.Fatalf("health %+v %s", health, health.JSONDetails)
	}
	bad := pluginContext(instanceSettings(stack.URL, "wrong-key", nil))
	if h := l.checkHealth(t, bad); h.Status != backend.HealthStatusError || !strings.Contains(h.Message, "the proxy refused the API key") {
		t.Fatalf("wrong key %+v", h)
	}

	// QueryData: one good query, one with a bad param (400 from the proxy) in the same request
	now := time.Now()
	res := l.queryData(t, &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{
		dataQuery("A", map[string]any{"sourceId": "farm-a", "query": "miners"}, now.Add(-time.Hour), now),
		dataQuery("B", map[string]any{"sourceId": "btc-main", "query": "chain.info"}, now.Add(-time.Hour), now),
		dataQuery("C", map[string]any{"sourceId": "no-such-source", "query": "miners"}, now.Add(-time.Hour), now),
	}})
	a := res.Responses["A"]
	if a.Error != nil || len(a.Frames) == 0 || a.Frames[0].RefID != "A" || a.Frames[0].Rows() == 0 {
		t.Fatalf("A %+v", a)
	}
	if b := res.Responses["B"]; b.Error != nil || len(b.Frames) == 0 {
		t.Fatalf("B %+v", b)
	}
	if c := res.Responses["C"]; c.Status != 400 || c.Error == nil || !strings.Contains(c.Error.Error(), `unknown source "no-such-source"`) {
		t.Fatalf("C %+v", c)
	}
	// the frames crossed gRPC as Arrow and kept their types and units
	var hashrate *data.Field
	for _, f := range a.Frames[0].Fields {
		if f.Config != nil && f.Config.Unit != "" && f.Type() == data.FieldTypeNullableFloat64 {
			hashrate = f
			break
		}
	}
	if hashrate == nil {
		t.Fatalf("no number field with a unit in %v", a.Frames[0].Fields)
	}

	// CallResource
	out := l.callResource(t, pc, "variables", "variables?name=miners&sourceId=farm-a")
	if len(out) != 1 || out[0].Status != 200 || !strings.Contains(string(out[0].Body), `"values":[{"text"`) {
		t.Fatalf("variables %+v", out)
	}
	if out := l.callResource(t, pc, "query", "query"); out[0].Status != 404 {
		t.Fatalf("query is not a resource: %d", out[0].Status)
	}

	// Grafana Live: the channel from a live query's frame meta, subscribed and run
	live := l.queryData(t, &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{
		dataQuery("L", map[string]any{"sourceId": "farm-a", "query": "miners", "live": true}, now.Add(-time.Hour), now),
	}}).Responses["L"]
	channel := live.Frames[0].Meta.Channel
	path, ok := strings.CutPrefix(channel, "ds/nodescope-uid/")
	if !ok {
		t.Fatalf("channel %q", channel)
	}
	sub, err := l.stream.SubscribeStream(context.Background(), backend.ToProto().SubscribeStreamRequest(&backend.SubscribeStreamRequest{PluginContext: pc, Path: path}))
	if err != nil || backend.FromProto().SubscribeStreamResponse(sub).Status != backend.SubscribeStreamStatusOK {
		t.Fatalf("subscribe %v %v", sub, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	run, err := l.stream.RunStream(ctx, backend.ToProto().RunStreamRequest(&backend.RunStreamRequest{PluginContext: pc, Path: path}))
	if err != nil {
		t.Fatal(err)
	}
	packet := make(chan *pluginv2.StreamPacket, 1)
	go func() {
		p, err := run.Recv()
		if err == nil {
			packet <- p
		}
	}()
	select {
	case p := <-packet:
		frame := &data.Frame{}
		if err := frame.UnmarshalJSON(p.Data); err != nil || frame.Rows() == 0 {
			t.Fatalf("stream packet %s: %v", p.Data, err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no Live packet within 20 s (farm-a polls every 2 s)")
	}
}
