// The nodescope datasource backend: Grafana starts this binary (gpx_nodescope_<os>_<arch>) and
// talks to it over gRPC. It stays thin: every domain rule lives in the Node proxy it forwards to.
package main

import (
	"os"

	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/nodescope/nodescope/plugins/datasource/pkg/plugin"
)

func main() {
	if err := datasource.Manage(plugin.PluginID, plugin.NewDatasource, datasource.ManageOpts{}); err != nil {
		log.DefaultLogger.Error(err.Error())
		os.Exit(1)
	}
}
