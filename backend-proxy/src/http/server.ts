// Starts a built app on its configured address and closes it gracefully on SIGINT/SIGTERM.
import type { ProxyConfig } from '../config/schema.js';
import { buildApp, type AppOptions, type ProxyApp } from './app.js';

export async function startServer(
  config: ProxyConfig,
  options: AppOptions & { port?: number; handleSignals?: boolean } = {}
): Promise<ProxyApp & { url: string }> {
  const proxy = await buildApp(config, options);
  await proxy.start();
  const host = config.server.host;
  await proxy.app.listen({ host, port: options.port ?? config.server.port });
  const address = proxy.app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  // written whatever the configured level: scripts and operators wait for this line
  proxy.context.logger.child({}, { level: 'info' }).info(`listening on ${url}`);

  if (options.handleSignals) {
    let closing = false;
    const shutdown = (signal: string) => {
      if (closing) return;
      closing = true;
      proxy.context.logger.info({ signal }, 'shutting down');
      const force = setTimeout(() => process.exit(1), 10_000);
      force.unref();
      proxy.close().then(
        () => process.exit(0),
        (error: unknown) => {
          proxy.context.logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        }
      );
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  }
  return { ...proxy, url };
}
