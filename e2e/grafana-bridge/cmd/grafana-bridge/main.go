// grafana-bridge --plugin <gpx_nodescope_…> --proxy-url <url> [--api-key K] [--uid nodescope]
// [--listen 127.0.0.1:0]: serves Grafana's datasource API on the real plugin binary and prints
// "grafana-bridge on http://HOST:PORT" once listening (the e2e harness waits for that line).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	bridge "github.com/nodescope/nodescope/e2e/grafana-bridge"
)

func main() {
	plugin := flag.String("plugin", "", "the plugin executable (gpx_nodescope_<os>_<arch>)")
	proxyURL := flag.String("proxy-url", "", "jsonData.proxyUrl of the datasource")
	apiKey := flag.String("api-key", os.Getenv("NODESCOPE_API_KEY"), "secureJsonData.apiKey (default $NODESCOPE_API_KEY)")
	uid := flag.String("uid", "nodescope", "the datasource uid")
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on (loopback)")
	flag.Parse()
	if *plugin == "" || *proxyURL == "" {
		fmt.Fprintln(os.Stderr, "usage: grafana-bridge --plugin <executable> --proxy-url <url> [--api-key K] [--uid U] [--listen host:port]")
		os.Exit(2)
	}
	jsonData, _ := json.Marshal(map[string]string{"proxyUrl": *proxyURL})
	b, err := bridge.Start(*plugin, bridge.Datasource{
		UID:      *uid,
		PluginID: "nodescope-crypto-datasource",
		Settings: backend.DataSourceInstanceSettings{Name: "nodescope", Type: "nodescope-crypto-datasource", JSONData: jsonData, DecryptedSecureJSONData: map[string]string{"apiKey": *apiKey}},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer b.Close()
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("grafana-bridge on http://%s\n", ln.Addr())
	go func() { _ = http.Serve(ln, b.Handler()) }()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
}
