#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ApplicationId, DisconnectCause } from './diameter/dict/constants.gen.js';
import { loadDefaultDictionaries } from './diameter/dict/index.js';
import { DiameterNode } from './diameter/node/node.js';
import type { Transport, TransportListener } from './diameter/transport/transport.js';
import { TcpTransport } from './diameter/transport/tcp.js';
import { TlsTransport } from './diameter/transport/tls.js';
import { parseSctpBackend, selectSctpBackend } from './diameter/transport/sctp/select-backend.js';
import { openStore } from './store/open-store.js';
import type { DeviceStore } from './store/device-store.js';
import { createAdminServer, type AdminServer } from './ops/admin/admin-server.js';
import { createAuditLog, type AuditLog } from './ops/audit.js';
import { runCli, type Command } from './ops/cli/cli.js';
import { runDeviceCommand } from './ops/cli/device-command.js';
import { ExitCode } from './ops/cli/exit-codes.js';
import { processIo } from './ops/cli/io.js';
import type { Config } from './ops/config/load.js';
import { createLogger, type Logger } from './ops/logging.js';
import { createMetrics, type Metrics } from './ops/metrics/create-metrics.js';
import { configuredPeers } from './ops/serve/peers.js';
import { eapdVersion, firmwareRevision, packageRoot } from './ops/version.js';

/** A running eapd: what `serve` started, and how to stop it. */
export interface RunningEapd {
  readonly node: DiameterNode;
  readonly store: DeviceStore;
  readonly metrics: Metrics;
  readonly admin: AdminServer;
  readonly diameterPort: number;
  readonly adminPort: number;
  stop(): Promise<void>;
}

/**
 * The composition root: config → logger → store → metrics → Diameter node and applications →
 * listeners → admin HTTP. Nothing below src/ops reads configuration; everything is passed in here.
 */
export async function startEapd(config: Config, logger: Logger): Promise<RunningEapd> {
  const version = eapdVersion();
  const store = await openStore({ url: config.store.url, masterKeyFile: config.store.masterKeyFile, logger: logger.child({ component: 'store' }) });
  const metrics = createMetrics({
    buildInfo: { version },
    known: { peers: config.diameter.peers.map((p) => p.originHost), radiusClients: config.radius.clients.map((c) => c.name) },
  });
  const audit: AuditLog = createAuditLog(logger);
  const tcp = new TcpTransport({ logger: logger.child({ component: 'tcp' }) });
  const connectors = new Map<string, Transport>([['tcp', tcp]]);
  let tls: TlsTransport | undefined;
  if (config.diameter.tls.enabled) {
    tls = await TlsTransport.create({
      certFile: config.diameter.tls.cert,
      keyFile: config.diameter.tls.key,
      caFile: config.diameter.tls.ca,
      logger: logger.child({ component: 'tls' }),
    });
    connectors.set('tls', tls);
  }
  const nodeLogger = logger.child({ component: 'diameter' });
  const node = new DiameterNode({
    local: {
      originHost: config.node.originHost,
      originRealm: config.node.originRealm,
      // RFC 6733 §8.16: Origin-State-Id increases whenever state is lost (each start).
      originStateId: Math.floor(Date.now() / 1000),
      vendorId: config.node.vendorId,
      productName: config.node.productName,
      firmwareRevision: firmwareRevision(version),
      authApplicationIds: [ApplicationId.DiameterEAP],
      acctApplicationIds: [],
    },
    dictionary: loadDefaultDictionaries(fileURLToPath(new URL('dictionaries', packageRoot()))),
    peers: configuredPeers(config.diameter.peers),
    unknownPeers: config.diameter.unknownPeers as 'loopback-only' | 'accept' | 'reject',
    logger: nodeLogger,
    twMs: config.diameter.watchdogSeconds * 1000,
    tcMs: config.diameter.reconnectSeconds * 1000,
    dpaTimeoutMs: config.diameter.shutdownTimeoutMs,
    maxMessageBytes: config.diameter.maxMessageBytes,
    duplicateTtlMs: config.diameter.duplicateSeconds * 1000,
    duplicateMaxEntries: config.diameter.duplicateMaxEntries,
    connectors,
  });

  const listeners: TransportListener[] = [];
  listeners.push(await node.listen(tcp, config.diameter.host, config.diameter.port));
  if (tls) listeners.push(await node.listen(tls, config.diameter.host, config.diameter.tls.port));
  const sctp = selectSctpBackend(parseSctpBackend(config.diameter.sctp.backend), logger.child({ component: 'sctp' }));
  if ('transport' in sctp && sctp.transport !== undefined) {
    connectors.set('sctp', sctp.transport);
    listeners.push(await node.listen(sctp.transport, config.diameter.host, config.diameter.sctp.port));
  }
  for (const l of listeners) logger.info('diameter listening', { transport: l.kind, host: l.address.host, port: l.address.port });
  node.start();

  const admin = createAdminServer({
    host: config.admin.host,
    port: config.admin.port,
    tokenFile: config.admin.tokenFile,
    metrics,
    logger: logger.child({ component: 'admin' }),
  });
  admin.addReadinessCheck('store reachable', async () => {
    await store.get('\u0000readiness-probe');
    return true;
  });
  admin.addReadinessCheck('listeners up', () => listeners.length > 0);
  admin.route('GET', '/api/peers', () => ({ status: 200, body: { peers: node.peers() } }));
  const adminAddress = await admin.listen();
  logger.info('admin listening', { host: adminAddress.host, port: adminAddress.port, endpoints: ['/metrics', '/healthz', '/readyz', '/api'] });

  let stopped = false;
  return {
    node,
    store,
    metrics,
    admin,
    diameterPort: listeners[0]!.address.port,
    adminPort: adminAddress.port,
    async stop() {
      if (stopped) return;
      stopped = true;
      logger.info('shutting down: DPR to every peer');
      await node.stop(config.diameter.shutdownTimeoutMs, DisconnectCause.REBOOTING);
      await admin.close();
      audit.close();
      metrics.close();
      await store.close();
      logger.info('stopped');
    },
  };
}

const serve: Command = async (args, ctx) => {
  if (args.length > 0) {
    ctx.io.err(`eapd serve: unexpected argument '${args[0]}'`);
    return ExitCode.USAGE;
  }
  const config = ctx.loadConfig();
  const logger = createLogger({ level: config.log.level as 'info', format: config.log.format as 'auto' });
  const t0 = performance.now();
  let running: RunningEapd;
  try {
    running = await startEapd(config, logger);
  } catch (e) {
    logger.error('cannot start', { error: (e as Error).message, code: (e as { code?: string }).code });
    return ExitCode.UNAVAILABLE;
  }
  logger.info('eapd started', {
    version: eapdVersion(),
    originHost: config.node.originHost,
    originRealm: config.node.originRealm,
    startupMs: Math.round(performance.now() - t0),
  });
  return new Promise<number>((resolve) => {
    const shutdown = (signal: string): void => {
      logger.info('signal received', { signal });
      running.stop().then(
        () => resolve(ExitCode.OK),
        (e: unknown) => {
          logger.error('shutdown failed', { error: (e as Error).message });
          resolve(ExitCode.FAILURE);
        },
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
};

const device: Command = async (args, ctx) => {
  const config = ctx.loadConfig();
  const store = await openStore({ url: config.store.url, masterKeyFile: config.store.masterKeyFile });
  try {
    return await runDeviceCommand(args, {
      store,
      out: (s) => process.stdout.write(s),
      err: (s) => process.stderr.write(s),
    });
  } finally {
    await store.close();
  }
};

export const commands: Readonly<Record<string, Command>> = { serve, device };

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const code = await runCli(process.argv.slice(2), commands, processIo, eapdVersion());
  process.exitCode = code;
  // Let pending writes (logs, stdout) drain; a server that stopped has no handles left.
  if (code !== ExitCode.OK) setTimeout(() => process.exit(code), 100).unref();
}
