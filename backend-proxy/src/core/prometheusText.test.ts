import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { clearMirror, familiesByName, mirrorFamilies, parsePrometheusText, PrometheusParseError, sampleValue } from './prometheusText.js';

// The shape the Rust `prometheus` crate's TextEncoder writes (stacks-node :9153, stacks-signer :30001).
const STACKS_NODE = `# HELP stacks_node_rpc_call_latencies_histogram Time (seconds) measuring RPC calls latency
# TYPE stacks_node_rpc_call_latencies_histogram histogram
stacks_node_rpc_call_latencies_histogram_bucket{path="/v2/info",le="0.005"} 10
stacks_node_rpc_call_latencies_histogram_bucket{path="/v2/info",le="0.01"} 12
stacks_node_rpc_call_latencies_histogram_bucket{path="/v2/info",le="+Inf"} 13
stacks_node_rpc_call_latencies_histogram_sum{path="/v2/info"} 0.0731
stacks_node_rpc_call_latencies_histogram_count{path="/v2/info"} 13
# HELP stacks_node_stacks_tip_height Stacks chain tip height
# TYPE stacks_node_stacks_tip_height gauge
stacks_node_stacks_tip_height 171234
# HELP stacks_node_rpc_requests_total Total number of RPC requests made.
# TYPE stacks_node_rpc_requests_total counter
stacks_node_rpc_requests_total{handler="all"} 4242
`;

// go-ethereum metrics/prometheus/testdata/prometheus.want (collector.go): note the space before `{`.
const GETH = `# TYPE test_gauge_info gauge
test_gauge_info {arch="amd64", commit="7caa2d8163ae3132c1c2d6978c76610caee2d949", os="linux", protocol_versions="64 65 66", version="1.10.18-unstable"} 1

# TYPE test_histogram_count counter
test_histogram_count 3

# TYPE test_histogram summary
test_histogram {quantile="0.5"} 2
test_histogram {quantile="0.75"} 3

# TYPE test_timer summary
test_timer {quantile="0.5"} 2.25e+07
`;

describe('parsePrometheusText', () => {
  it('reads HELP, TYPE, labels and histogram samples into one family', () => {
    const families = familiesByName(parsePrometheusText(STACKS_NODE));
    const histogram = families.get('stacks_node_rpc_call_latencies_histogram');
    expect(histogram?.type).toBe('histogram');
    expect(histogram?.samples).toHaveLength(5);
    expect(histogram?.samples[2]).toEqual({
      name: 'stacks_node_rpc_call_latencies_histogram_bucket',
      labels: { path: '/v2/info', le: '+Inf' },
      value: 13,
    });
    expect(histogram?.help).toBe('Time (seconds) measuring RPC calls latency');
    expect(sampleValue(families, 'stacks_node_stacks_tip_height')).toBe(171234);
    expect(sampleValue(families, 'stacks_node_rpc_requests_total', { handler: 'all' })).toBe(4242);
    expect(families.get('stacks_node_rpc_requests_total')?.type).toBe('counter');
  });

  it("accepts geth's space before the label set and its comma-space separators", () => {
    const families = familiesByName(parsePrometheusText(GETH));
    expect(families.get('test_gauge_info')?.samples[0]?.labels).toEqual({
      arch: 'amd64',
      commit: '7caa2d8163ae3132c1c2d6978c76610caee2d949',
      os: 'linux',
      protocol_versions: '64 65 66',
      version: '1.10.18-unstable',
    });
    expect(families.get('test_histogram')?.type).toBe('summary');
    expect(families.get('test_histogram')?.samples).toHaveLength(2);
    // geth declares the _count as its own counter family before the summary
    expect(families.get('test_histogram_count')?.type).toBe('counter');
    expect(sampleValue(families, 'test_timer', { quantile: '0.5' })).toBe(22_500_000);
  });

  it.each([
    ['NaN', Number.NaN],
    ['+Inf', Number.POSITIVE_INFINITY],
    ['-Inf', Number.NEGATIVE_INFINITY],
    ['Nan', Number.NaN], // prom-client writes this spelling
    ['1.5e-3', 0.0015],
    ['-7', -7],
    ['.5', 0.5],
  ])('parses the value %s', (text, expected) => {
    const [family] = parsePrometheusText(`x ${text}\n`);
    expect(family?.samples[0]?.value).toBe(expected);
  });

  it('keeps timestamps, unescapes label values and HELP text, skips comments', () => {
    const text = [
      '# a free comment',
      '# HELP msg A line\\nwith a \\\\ backslash',
      '# TYPE msg untyped',
      'msg{path="C:\\\\dir",quote="say \\"hi\\"",nl="a\\nb",} 1 1700000000123',
      '',
    ].join('\n');
    const [family] = parsePrometheusText(text);
    expect(family?.help).toBe('A line\nwith a \\ backslash');
    expect(family?.samples[0]).toEqual({
      name: 'msg',
      labels: { path: 'C:\\dir', quote: 'say "hi"', nl: 'a\nb' },
      value: 1,
      timestamp: 1_700_000_000_123,
    });
  });

  it('handles CRLF line endings', () => {
    expect(parsePrometheusText('a 1\r\nb 2\r\n').map((f) => f.name)).toEqual(['a', 'b']);
  });

  it.each([
    ['x{a="1', 'unterminated'],
    ['x{a="1" 2', 'expected , or }'],
    ['x{a=1} 2', 'must be quoted'],
    ['x one', 'bad value'],
    ['x 1 2 3', 'expected "value [timestamp]"'],
    ['x 1 1.5', 'bad timestamp'],
    ['{a="1"} 2', 'expected a metric name'],
    ['# TYPE x gaugy', 'unknown metric type'],
    ['x{a="\\q"} 1', 'bad escape'],
    ['x{a="1",a="2"} 1', 'duplicate label'],
    ['<html>502 Bad Gateway</html>', 'expected a metric name'],
  ])('rejects %s naming the line', (line, message) => {
    expect(() => parsePrometheusText(`ok 1\n${line}\n`)).toThrowError(PrometheusParseError);
    expect(() => parsePrometheusText(`ok 1\n${line}\n`)).toThrowError(new RegExp(`line 2: .*${message.replace(/[[\]"()]/g, '.')}`));
  });
});

describe('mirrorFamilies', () => {
  it('re-exposes families with a source label, per source, and drops what a source no longer has', async () => {
    const registry = new Registry();
    const families = parsePrometheusText(STACKS_NODE);
    expect(mirrorFamilies(registry, 'stx-1', families)).toBe(3);
    mirrorFamilies(registry, 'stx-2', parsePrometheusText('# TYPE stacks_node_stacks_tip_height gauge\nstacks_node_stacks_tip_height 5\n'));
    let text = await registry.metrics();
    expect(text).toContain('# TYPE stacks_node_rpc_call_latencies_histogram histogram');
    expect(text).toContain('stacks_node_rpc_call_latencies_histogram_bucket{path="/v2/info",le="+Inf",source="stx-1"} 13');
    expect(text).toContain('stacks_node_stacks_tip_height{source="stx-1"} 171234');
    expect(text).toContain('stacks_node_stacks_tip_height{source="stx-2"} 5');

    mirrorFamilies(registry, 'stx-1', parsePrometheusText('stacks_node_stacks_tip_height 171235\n'));
    text = await registry.metrics();
    expect(text).toContain('stacks_node_stacks_tip_height{source="stx-1"} 171235');
    expect(text).not.toContain('stacks_node_rpc_requests_total{handler="all",source="stx-1"}');

    clearMirror(registry, 'stx-1');
    text = await registry.metrics();
    expect(text).not.toContain('source="stx-1"');
    expect(text).toContain('stacks_node_stacks_tip_height{source="stx-2"} 5');
  });

  it('prefixes names, filters families, renames a clashing source label and never overwrites a proxy metric', async () => {
    const registry = new Registry();
    const { Gauge } = await import('prom-client');
    new Gauge({ name: 'geth_p2p_peers', help: 'ours', registers: [registry] });
    const families = parsePrometheusText('chain_head_block 10\np2p_peers 3\nsystem_cpu_goroutines 77\nx{source="up"} 1\n');
    mirrorFamilies(registry, 'geth-1', families, {
      prefix: 'geth_',
      include: (name) => name !== 'system_cpu_goroutines',
      extraLabels: { site: 'a' },
    });
    const text = await registry.metrics();
    expect(text).toContain('geth_chain_head_block{site="a",source="geth-1"} 10');
    expect(text).toContain('geth_x{exported_source="up",site="a",source="geth-1"} 1');
    expect(text).not.toContain('goroutines');
    expect(text).not.toContain('geth_p2p_peers{');
  });
});
