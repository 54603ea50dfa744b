// The three panels fed by a running proxy (what `npm run demo` shows beside the datasource views):
//   node e2e/panels/live.ts --proxy http://127.0.0.1:8787 --port 3001     (API key: NODESCOPE_API_KEY)
// Scenarios live-mempool, live-peers and live-profitability are rebuilt from the proxy's frames
// every few seconds; reloading a page shows the newest. Prints "panels on <url>" when listening.
import { parseArgs } from 'node:util';
import { buildPanelHost } from './build.ts';
import type { PanelScenario } from './scenario.ts';
import { startPanelHarness, type PanelHarnessServer } from './server.ts';

interface SourceInfo {
  id: string;
  kind: string;
}

/** Which source and queries each panel's scenario reads. */
export const LIVE_PANELS = [
  { name: 'live-mempool', pluginId: 'nodescope-mempool-panel', dir: 'mempool', kind: 'bitcoin', queries: ['mempool.histogram', 'mempool.blocks'], title: 'Mempool', height: 560 },
  { name: 'live-peers', pluginId: 'nodescope-peermap-panel', dir: 'peermap', kind: 'bitcoin', queries: ['network.peers'], title: 'Peers', height: 560 },
  { name: 'live-profitability', pluginId: 'nodescope-profitability-panel', dir: 'profitability', kind: 'profitability', queries: ['market', 'miners', 'fleet.history'], title: 'Mining profitability', height: 660 },
] as const;

export interface LivePanels {
  scenarios: Map<string, PanelScenario>;
  /** fetches every scenario's frames again; a failed fetch keeps the previous frames */
  refresh(): Promise<void>;
}

export async function livePanels(proxyUrl: string, apiKey: string | undefined): Promise<LivePanels> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) };
  const listed = (await (await fetch(`${proxyUrl}/api/sources`, { headers })).json()) as { sources?: SourceInfo[] };
  const sources = listed.sources ?? [];
  const scenarios = new Map<string, PanelScenario>();

  const frames = async (sourceId: string, queries: readonly string[]) => {
    const to = Date.now();
    const response = await fetch(`${proxyUrl}/api/query`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ queries: queries.map((query, i) => ({ refId: String.fromCharCode(65 + i), sourceId, query })), range: { from: to - 6 * 3_600_000, to }, intervalMs: 5_000, maxDataPoints: 1_000 }),
    });
    const body = (await response.json()) as { results?: Record<string, { frames?: unknown[]; error?: string }> };
    return Object.values(body.results ?? {}).flatMap((result) => result.frames ?? []);
  };

  const refresh = async () => {
    await Promise.all(
      LIVE_PANELS.map(async (panel) => {
        const source = sources.find((s) => s.kind === panel.kind);
        if (!source) return;
        const data = await frames(source.id, panel.queries).catch(() => null);
        if (!data) return;
        scenarios.set(panel.name, {
          name: panel.name,
          pluginId: panel.pluginId,
          // as Grafana loads it: nested in the app's dist
          pluginPath: `nodescope-suite-app/panels/${panel.dir}`,
          title: `${panel.title} (${source.id}, live)`,
          dataset: 'inline',
          frames: data,
          width: 1240,
          height: panel.height,
        });
      })
    );
  };
  // a source that has just started may have no rows yet: wait a little for the first ones
  const hasRows = (name: string) => (scenarios.get(name)?.frames ?? []).some((frame) => ((frame as { data?: { values?: unknown[][] } }).data?.values?.[0]?.length ?? 0) > 0);
  for (let tries = 0; tries < 30; tries++) {
    await refresh();
    if (LIVE_PANELS.every((panel) => hasRows(panel.name))) break;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return { scenarios, refresh };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { proxy: { type: 'string', default: 'http://127.0.0.1:8787' }, port: { type: 'string', default: '3001' }, every: { type: 'string', default: '5' } } });
  await buildPanelHost();
  const live = await livePanels(values.proxy!, process.env.NODESCOPE_API_KEY);
  const timer = setInterval(() => void live.refresh(), Number(values.every) * 1000);
  let server: PanelHarnessServer;
  try {
    server = await startPanelHarness(Number(values.port), live.scenarios);
  } catch (error) {
    clearInterval(timer);
    console.error(`panels: cannot listen on port ${values.port}: ${(error as Error).message}`);
    process.exit(1);
  }
  const stop = () => {
    clearInterval(timer);
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  console.log(`panels on ${server.url}/ (${[...live.scenarios.keys()].join(', ')})`);
}

if (process.argv[1]?.endsWith('live.ts')) await main();
