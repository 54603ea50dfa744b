#!/usr/bin/env bash
# Debian packages the tests use as real third-party components: promtool/prometheus to check
# rules and scrape /metrics, chromium for the plugin harness, influxdb for the Influx writer,
# victoria-metrics for the scale-out (remote-write) test, prometheus-node-exporter for the host-health rules, wrk as the load generator of the
# query bench (npm run bench). Installed with apt-get when this
# user can; otherwise stop with the exact line to run.
set -uo pipefail
need=()
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
command -v influxd >/dev/null 2>&1 || need+=(influxdb)
command -v victoria-metrics >/dev/null 2>&1 || need+=(victoria-metrics)
# the host-health rules and dashboards are checked against the real exporter's output (Debian installs it as /usr/bin/prometheus-node-exporter)
command -v prometheus-node-exporter >/dev/null 2>&1 || [ -x /usr/bin/prometheus-node-exporter ] || need+=(prometheus-node-exporter)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
[ ${#need[@]} -eq 0 ] && exit 0
line="apt-get update && apt-get install -y ${need[*]}"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${need[*]}"
  (export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}") >/tmp/nodescope-apt.log 2>&1 \
    || { tail -20 /tmp/nodescope-apt.log; echo "could not install; run as root: $line"; exit 1; }
else
  echo "missing system packages; run as root: $line"
  exit 1
fi
