#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ApplicationId, AuthSessionState, DisconnectCause } from './diameter/dict/constants.gen.js';
import { loadDefaultDictionaries } from './diameter/dict/index.js';
import { DiameterNode } from './diameter/node/node.js';
import type { Transport, TransportListener } from './diameter/transport/transport.js';
import { TcpTransport } from './diameter/transport/tcp.js';
import { TlsTransport } from './diameter/transport/tls.js';
import { parseSctpBackend, selectSctpBackend } from './diameter/transport/sctp/select-backend.js';
import { openStore } from './store/open-store.js';
import { openRoutingStore } from './store/routing/open-routing-store.js';
import type { RoutingStore } from './store/routing/routing-store.js';
import { parseRuleJson } from './store/routing/rule-json.js';
import { usageName } from './store/routing/routing-model.js';
import { diameterChannels, type DiameterPeerRefusedEvent } from './diameter/events.js';
import { createDeviceLookup } from './app/device-lookup.js';
import { EapApplication, type AuthSessionStateValue } from './app/eap-application.js';
import { createRadiusBackend } from './app/radius-backend.js';
import { createRedirectAgentHandler } from './app/redirect-agent.js';
import { createRedirectHook } from './app/redirect/create-redirect-hook.js';
import { SessionControl } from './app/session-control.js';
import { RadiusServer } from './radius/server.js';
import { monotonicClock } from './util/clock.js';
import { registerRoutesApi } from './ops/admin/routes-api.js';
import { registerSessionsApi } from './ops/admin/sessions-api.js';
import { SESSIONS_ACTIVE } from './ops/metrics/create-metrics.js';
import { runRouteCommand } from './ops/cli/route-command.js';
import { runGroupCommand } from './ops/cli/group-command.js';
import { runRealmCommand } from './ops/cli/realm-command.js';
import { runSimulateCommand } from './ops/cli/simulate-command.js';
import { runSessionCommand } from './ops/cli/session-command.js';
import { runBenchCommand } from './ops/cli/bench-command.js';
import type { DeviceStore } from './store/device-store.js';
import { createAdminServer, type AdminServer } from './ops/admin/admin-server.js';
import { createAuditLog, type AuditLog } from './ops/audit.js';
import { runCli, type Command } from './ops/cli/cli.js';
import { runDeviceCommand } from './ops/cli/device-command.js';
import { ExitCode } from './ops/cli/exit-codes.js';
import { missingServeNodeFlags, SERVE_NODE_FLAGS } from './ops/serve/node-flags.js';
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
  readonly routing: RoutingStore;
  readonly metrics: Metrics;
  readonly admin: AdminServer;
  readonly diameterPort: number;
  readonly adminPort: number;
  readonly radiusPort: number | undefined;
  /** SIGHUP: reload config routes and TLS certificates. */
  reload(config: Config): Promise<void>;
  stop(): Promise<void>;
}

/** Redirect rules known now: their `eapd_redirects_total` series start at 0 (rate() works at once). */
async function declareRedirectRules(routing: RoutingStore, metrics: Metrics): Promise<void> {
  const rules = await routing.listRules();
  metrics.declare({
    redirectRules: rules.map((r) => ({ rule: r.name, usage: usageName(r.usage) ?? String(r.usage) })),
  });
}

/** The config file's redirect rules and realms into the routing store (start and SIGHUP). */
async function applyConfigRouting(routing: RoutingStore, config: Config): Promise<void> {
  await routing.replaceConfigRouting(
    {
      realms: config.redirect.realms,
      rules: config.redirect.rules.map((r, i) => parseRuleJson(r, `redirect.rules[${i}]: `)),
    },
    'config',
  );
}

/**
 * The composition root: config → logger → store → metrics → Diameter node and applications →
 * listeners → admin HTTP. Nothing below src/ops reads configuration; everything is passed in here.
 */
export async function startEapd(config: Config, logger: Logger): Promise<RunningEapd> {
  const version = eapdVersion();
  const store = await openStore({
    url: config.store.url,
    masterKeyFile: config.store.masterKeyFile,
    logger: logger.child({ component: 'store' }),
  });
  const metrics = createMetrics({
    buildInfo: { version },
    known: {
      peers: config.diameter.peers.map((p) => p.originHost),
      radiusClients: config.radius.clients.map((c) => c.name),
    },
  });
  const audit: AuditLog = createAuditLog(logger);
  const routing = await openRoutingStore({
    url: config.store.url,
    logger: logger.child({ component: 'routing' }),
  });
  await applyConfigRouting(routing, config);
  await declareRedirectRules(routing, metrics);
  const redirect = createRedirectHook({
    routing,
    ...(config.redirect.agentMode ? {} : { devices: store }),
    clock: monotonicClock,
    logger: logger.child({ component: 'redirect' }),
  });
  const agentMode = config.redirect.agentMode;
  const serverId = config.eap.serverId === '' ? config.node.originHost : config.eap.serverId;
  const lookupFor = createDeviceLookup({ store, keyCacheSize: 100_000 });
  const tcp = new TcpTransport({ logger: logger.child({ component: 'tcp' }) });
  const connectors = new Map<string, Transport>([['tcp', tcp]]);
  let tls: TlsTransport | undefined;
  if (config.diameter.tls.enabled) {
    tls = await TlsTransport.create({
      certFile: config.diameter.tls.cert,
      keyFile: config.diameter.tls.key,
      caFile: config.diameter.tls.ca,
      logger: logger.child({ component: 'tls' }),
      // Refused during the handshake (no certificate, another CA): counted like CER refusals.
      onRefused: () => {
        if (!diameterChannels.peerRefused.hasSubscribers) return;
        const event: DiameterPeerRefusedEvent = { reason: 'tls_handshake', transport: 'tls' };
        diameterChannels.peerRefused.publish(event);
      },
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
      // A pure redirect agent advertises Relay (RFC 6733 §2.8); eapd otherwise offers Diameter EAP.
      authApplicationIds: [agentMode ? ApplicationId.Relay : ApplicationId.DiameterEAP],
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

  let app: EapApplication | undefined;
  if (agentMode) {
    node.register(
      ApplicationId.DiameterEAP,
      createRedirectAgentHandler({
        originHost: config.node.originHost,
        originRealm: config.node.originRealm,
        redirect,
      }),
    );
    logger.info('redirect agent mode: every DER is answered from the redirect rules; no EAP state is kept');
  } else {
    app = new EapApplication({
      originHost: config.node.originHost,
      originRealm: config.node.originRealm,
      servedRealms: config.node.servedRealms,
      runtimeRealms: () => redirect.servedRealms(),
      serverId,
      lookupFor,
      multiRoundTimeoutSeconds: config.eap.multiRoundTimeoutSeconds,
      maxSessions: config.eap.maxSessions,
      authSessionState: AuthSessionState[
        config.eap.authSessionState as keyof typeof AuthSessionState
      ] as AuthSessionStateValue,
      sessionTimeoutSeconds: config.eap.sessionTimeoutSeconds,
      authorizationLifetimeSeconds: config.eap.authorizationLifetimeSeconds,
      redirect,
    });
    for (const [id, handler] of app.handlers) node.register(id, handler);
    app.startSweeper();
  }
  const sessionControl =
    app === undefined
      ? undefined
      : new SessionControl({
          sender: {
            request: (via, frame, timeoutMs) => node.request(via, frame, timeoutMs),
            nextEndToEnd: () => node.nextEndToEnd(),
            originHost: config.node.originHost,
            originRealm: config.node.originRealm,
          },
          sessions: app.sessions,
        });

  const listeners: TransportListener[] = [];
  listeners.push(await node.listen(tcp, config.diameter.host, config.diameter.port));
  if (tls) listeners.push(await node.listen(tls, config.diameter.host, config.diameter.tls.port));
  const sctp = selectSctpBackend(
    parseSctpBackend(config.diameter.sctp.backend),
    logger.child({ component: 'sctp' }),
  );
  if ('transport' in sctp && sctp.transport !== undefined) {
    connectors.set('sctp', sctp.transport);
    listeners.push(await node.listen(sctp.transport, config.diameter.host, config.diameter.sctp.port));
  }
  for (const l of listeners)
    logger.info('diameter listening', { transport: l.kind, host: l.address.host, port: l.address.port });
  node.start();

  let radius: RadiusServer | undefined;
  let radiusPort: number | undefined;
  const radiusClients = [...config.radius.clients];
  if (config.radius.secret !== '') {
    radiusClients.push({ name: 'loopback', address: '127.0.0.1/32', secret: config.radius.secret });
    radiusClients.push({ name: 'loopback', address: '::1/128', secret: config.radius.secret });
  }
  if (config.radius.enabled && !agentMode && radiusClients.length > 0) {
    radius = new RadiusServer({
      listen: {
        address: config.radius.host,
        port: config.radius.port,
        recvBufferSize: config.radius.recvBufferSize,
      },
      clients: radiusClients,
      backend: createRadiusBackend({ serverId, lookupFor }),
      challengeTimeoutSeconds: config.eap.multiRoundTimeoutSeconds,
    });
    const bound = await radius.start();
    radiusPort = bound.port;
    // The built-in loopback client's series start at 0 like the configured clients'.
    metrics.declare({ radiusClients: radiusClients.map((c) => c.name) });
    logger.info('radius listening', {
      host: bound.address,
      port: bound.port,
      recvBufferSize: bound.recvBufferSize,
      clients: [...new Set(radiusClients.map((c) => c.name))],
    });
  } else if (config.radius.enabled && !agentMode) {
    logger.info(
      'radius front not started: no RADIUS client configured (set radius.clients or EAPD_RADIUS_SECRET)',
    );
  }

  // Conversations in progress on both fronts, read at scrape time.
  const diameterConversations = app;
  const radiusConversations = radius?.handler;
  metrics.registerGauge(
    SESSIONS_ACTIVE,
    () => (diameterConversations?.conversationCount ?? 0) + (radiusConversations?.conversationCount ?? 0),
  );

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
  registerRoutesApi(admin, { routing, devices: store });
  registerSessionsApi(admin, sessionControl, logger);
  const adminAddress = await admin.listen();
  logger.info('admin listening', {
    host: adminAddress.host,
    port: adminAddress.port,
    endpoints: ['/metrics', '/healthz', '/readyz', '/api'],
  });

  let stopped = false;
  return {
    node,
    store,
    metrics,
    admin,
    routing,
    diameterPort: listeners[0]!.address.port,
    adminPort: adminAddress.port,
    radiusPort,
    async reload(next: Config) {
      await applyConfigRouting(routing, next);
      await declareRedirectRules(routing, metrics);
      await redirect.refresh();
      await tls?.reload();
      logger.info('configuration reloaded (redirect rules, realms, TLS certificates)');
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      logger.info('shutting down: DPR to every peer');
      await node.stop(config.diameter.shutdownTimeoutMs, DisconnectCause.REBOOTING);
      app?.stop();
      await radius?.stop();
      await admin.close();
      await routing.close();
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
  const missing = missingServeNodeFlags(process.execArgv, process.env.NODE_OPTIONS);
  if (missing.length > 0)
    logger.warn(
      "node was started without eapd's runtime options: expect a full garbage collection every few seconds under load, each delaying authentications by tens of ms",
      {
        missing,
        fix: `start eapd with npm start, or node ${SERVE_NODE_FLAGS.join(' ')} dist/src/main.js serve (docs/operations.md)`,
      },
    );
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
    process.on('SIGHUP', () => {
      let next: Config;
      try {
        next = ctx.loadConfig();
      } catch (e) {
        logger.error('SIGHUP: configuration invalid, keeping the running one', {
          error: (e as Error).message,
        });
        return;
      }
      running
        .reload(next)
        .catch((e: unknown) => logger.error('SIGHUP: reload failed', { error: (e as Error).message }));
    });
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

/** Opens the device and routing stores of the configuration for a CLI command. */
async function withStores<T>(
  ctx: Parameters<Command>[1],
  run: (stores: { devices: DeviceStore; routing: RoutingStore }) => Promise<T>,
): Promise<T> {
  const config = ctx.loadConfig();
  const devices = await openStore({ url: config.store.url, masterKeyFile: config.store.masterKeyFile });
  const routing = await openRoutingStore({ url: config.store.url });
  try {
    return await run({ devices, routing });
  } finally {
    await routing.close();
    await devices.close();
  }
}

const write = {
  out: (s: string) => void process.stdout.write(s),
  err: (s: string) => void process.stderr.write(s),
};

const route: Command = (args, ctx) =>
  withStores(ctx, ({ routing }) => runRouteCommand(args, { routing, ...write, actor: 'cli' }));
const realm: Command = (args, ctx) =>
  withStores(ctx, ({ routing }) => runRealmCommand(args, { routing, ...write, actor: 'cli' }));
const group: Command = (args, ctx) =>
  withStores(ctx, ({ routing, devices }) =>
    runGroupCommand(args, { routing, devices, ...write, actor: 'cli' }),
  );
const simulate: Command = (args, ctx) => runSimulateCommand(args, ctx.io);
const bench: Command = (args, ctx) => runBenchCommand(args, ctx.io);
const session: Command = (args, ctx) =>
  runSessionCommand(args, { io: ctx.io, config: () => ctx.loadConfig() });

export const commands: Readonly<Record<string, Command>> = {
  serve,
  device,
  route,
  realm,
  group,
  simulate,
  session,
  bench,
};

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
