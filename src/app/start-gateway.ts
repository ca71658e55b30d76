import { SessionAffinityStore } from '../routing/sessions/session-affinity-store.ts';
import { buildRoutingExtensions } from './build-routing-extensions.ts';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import { diffConfigFiles } from '../config/config-diff.ts';
import type { ConfigFile } from '../config/config-schema.ts';
import type { Environment } from '../config/environment.ts';
import { armCrashPoint } from '../lib/crash-points.ts';
import type { GatewayConfig } from '../config/gateway-config.ts';
import type { ConfigOverrides } from '../config/load-config.ts';
import { createGateway } from '../gateway/create-gateway.ts';
import { createHttpServer } from '../http/create-http-server.ts';
import { loadConsoleRoutes } from '../http/console/console-routes.ts';
import { clusterAwareExposition } from '../observability/metrics/cluster-metrics.ts';
import { createGatewayMetrics } from './create-gateway-metrics.ts';
import { systemClock, type Clock } from '../lib/clock.ts';
import { systemRandom } from '../lib/random.ts';
import { wait } from '../lib/wait.ts';
import { createAccessLogWriter } from '../observability/access-log.ts';
import { createLogDestination, createLogger, type Logger } from '../observability/logger.ts';
import type { RequestRecordListener } from '../observability/request-record.ts';
import { KeyAuthenticator } from '../pipeline/identity/key-authenticator.ts';
import { hashKeyText } from '../pipeline/identity/virtual-key-format.ts';
import { VirtualKeyService } from '../pipeline/identity/virtual-key-service.ts';
import { DirectoryAdministration } from '../pipeline/identity/directory-administration.ts';
import { KeyAdministration } from '../pipeline/identity/key-administration.ts';
import { DeploymentHealthRegistry } from '../routing/health/deployment-health-registry.ts';
import { buildRoutingTable, type RoutingTable } from '../routing/routing-table.ts';
import { createTokenTransport } from '../upstream/token-transport.ts';
import { createUpstreamPool } from '../upstream/upstream-pool.ts';
import { healthKeys, healthPolicies } from './deployment-health-settings.ts';
import { StartupResources } from './startup-resources.ts';
import { ConfigError } from './config-error.ts';
import { openRateLimitStore } from './open-rate-limit-store.ts';
import { openSpendAccounting } from './open-spend-accounting.ts';
import { openRequestLog } from './open-request-log.ts';
import { openAuditTrail } from './open-audit-trail.ts';
import { openSharedDocuments } from './open-shared-documents.ts';
import { openResponseCache } from './open-response-cache.ts';
import { openBudgetRules } from './open-budget-rules.ts';
import { startSharedStateRefresh } from './start-shared-state-refresh.ts';
import { ConcurrencyLeases } from '../pipeline/limits/concurrency-leases.ts';
import { openKeyStore } from './open-key-store.ts';
import { ProviderCredentialService } from '../pipeline/credentials/provider-credential-service.ts';
import { loadKeyRingOrThrow } from './load-credential-service.ts';
import { credentialStoreBeside } from './open-credential-store.ts';
import { reloadingCredentialAdministration } from './reloading-credential-administration.ts';
import { loadGatewayConfig } from './load-gateway-config.ts';
import { MockProviderSupervisor } from './mock-provider-supervisor.ts';
import { watchConfigFile } from './watch-config-file.ts';
import { startConfiguredTracing } from './start-configured-tracing.ts';
import { warnAboutRestartOnlyChanges } from './warn-about-restart-only-changes.ts';
import { openConsoleSessions } from './open-console-sessions.ts';

export interface StartGatewayOptions {
  /** A YAML configuration file; without one the zero-configuration default is used. */
  readonly configPath?: string | undefined;
  readonly overrides?: ConfigOverrides;
  readonly environment: Environment;
  readonly clock?: Clock;
  /** Where log lines go (tests pass a sink); defaults to standard output. */
  readonly logDestination?: DestinationStream;
  /** Called with a newly created admin key, the only time its text exists. */
  readonly onAdminKeyCreated?: (key: string) => void;
  /** Called for every finished request, besides the access log. */
  readonly onRequestRecord?: RequestRecordListener;
  /** Reload when the configuration file changes. Default true when a file is used. */
  readonly watchConfig?: boolean;
  /** Reload on SIGHUP. Default false (the CLI turns it on). */
  readonly reloadOnSighup?: boolean;
  /** The built admin console served at /ui; defaults to dist/ui (see docs/console.md). */
  readonly consoleDirectory?: URL | string;
}

export type ReloadResult =
  | { readonly ok: true; readonly changes: readonly string[] }
  | { readonly ok: false; readonly error: ConfigError };

/** A running gateway. */
export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  readonly logger: Logger;
  /** The configuration in force now. */
  config(): GatewayConfig;
  /** Re-reads the configuration file; on error the running configuration stays. */
  reload(): Promise<ReloadResult>;
  /** Stops accepting, lets in-flight requests finish within the grace period, then releases all. */
  close(): Promise<void>;
}

const minimumAdminKeyLength = 24;
/**
 * How long a concurrency slot counts without renewal (live ones are renewed every quarter of it):
 * the slots of a process that dies free themselves within this time.
 */
const concurrencyLeaseTtlMs = 120_000;

/**
 * Starts Signalbox: loads configuration, opens embedded state, makes sure an admin key exists,
 * starts the built-in mock provider when configured, and listens. Throws `ConfigError` for an
 * invalid configuration and `Error` when the state or the port cannot be used.
 */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const opened = new StartupResources();
  try {
    return await startOpening(options, opened);
  } catch (error) {
    await opened.releaseAll();
    throw error;
  }
}

/** `startGateway`'s work, registering in `opened` each thing it opens until it listens. */
async function startOpening(
  options: StartGatewayOptions,
  opened: StartupResources,
): Promise<RunningGateway> {
  const clock = options.clock ?? systemClock;
  const overrides = options.overrides ?? {};
  // Stored credentials (`${credential:NAME}`) stay unresolved until storage is open, below.
  let loaded = loadGatewayConfig(options.configPath, options.environment, overrides);
  const keyRing = loadKeyRingOrThrow(options.environment);
  armCrashPoint(options.environment.SIGNALBOX_CRASH_POINT);
  const adminKeyFromEnvironment = options.environment.SIGNALBOX_ADMIN_KEY;
  if (
    adminKeyFromEnvironment !== undefined &&
    adminKeyFromEnvironment.length < minimumAdminKeyLength
  ) {
    throw new ConfigError(
      [
        {
          path: 'SIGNALBOX_ADMIN_KEY',
          message: `must be at least ${minimumAdminKeyLength} characters`,
        },
      ],
      'environment',
    );
  }
  let logDestination: DestinationStream;
  let flushLogDestination = (): void => undefined;
  if (options.logDestination === undefined) {
    const standardOutput = createLogDestination();
    logDestination = standardOutput;
    flushLogDestination = () => standardOutput.flushSync();
  } else {
    logDestination = options.logDestination;
  }
  const logger = createLogger({ level: loaded.config.log.level, destination: logDestination });
  // Released last: what the releases above it logged reaches the destination.
  opened.add(() => {
    flushLogDestination();
  });
  const writeAccessLog = createAccessLogWriter(logDestination, clock);

  const keys = await openKeyStore(loaded.config.storage, loaded.config.stateDir);
  opened.add(() => keys.close());
  const keyStore = keys.store;
  const credentialService = new ProviderCredentialService(
    credentialStoreBeside(keyStore),
    clock,
    keyRing,
  );
  loaded = loadGatewayConfig(
    options.configPath,
    options.environment,
    overrides,
    await credentialService.lookup(),
  );
  let currentFile: ConfigFile = loaded.file;
  const reloads: { run?: () => Promise<ReloadResult> } = {};
  const authenticator = new KeyAuthenticator({
    store: keyStore,
    clock,
    environmentAdminKeyHash:
      adminKeyFromEnvironment === undefined ? undefined : hashKeyText(adminKeyFromEnvironment),
  });
  const keyService = new VirtualKeyService(keyStore, clock, authenticator);
  if (adminKeyFromEnvironment === undefined) {
    const created = await keyService.ensureAdminKey();
    if (created !== undefined) {
      options.onAdminKeyCreated?.(created);
    }
  }
  await authenticator.refresh();

  const mocks = new MockProviderSupervisor();
  opened.add(() => mocks.close());
  // The pool asks for connect timeouts by origin; it is created before the first table exists.
  const tables: { current?: RoutingTable } = {};
  const pool = createUpstreamPool({
    connectTimeoutFor(origin) {
      const timeouts = [...(tables.current?.endpoints.values() ?? [])]
        .filter((endpoint) => endpoint.origin === origin)
        .map((endpoint) => endpoint.timeouts.connectMs);
      return timeouts.length > 0 ? Math.min(...timeouts) : 10_000;
    },
  });
  opened.add(() => pool.close());
  const authorizerContext = { transport: createTokenTransport(pool), clock };
  const tableFor = async (config: GatewayConfig): Promise<RoutingTable> =>
    buildRoutingTable(
      config,
      authorizerContext,
      await mocks.reconcile(config),
      // A learned router's embeddings encoder calls the gateway, once requests flow.
      await buildRoutingExtensions(config, { gateway: () => gateway, clock }),
    );
  let table = await tableFor(loaded.config);
  tables.current = table;
  const health = new DeploymentHealthRegistry(clock, healthPolicies(loaded.config));
  const rateLimits = await openRateLimitStore(loaded.config.rateLimitStorage, logger, clock);
  opened.add(() => rateLimits.close());
  const spend = await openSpendAccounting(loaded.config, logger, clock);
  opened.add(() => spend.close(0));
  const requestLog = await openRequestLog(loaded.config.requestLog, spend.database, logger, clock);
  opened.add(() => requestLog.close(0));
  // A request's ledger row waits for its audit record (a crash never leaves one without the
  // other); the reaper settles what a dead process left, from the audit log.
  const audit = await openAuditTrail(loaded.config, options.environment, logger, clock, (ids) =>
    spend.audited(ids),
  );
  opened.add(() => audit.close(0));
  spend.startReaper(audit.reaperAudit);
  opened.add(() => {
    spend.stopReaper();
  });
  const responseCache = await openResponseCache(loaded.config, logger, clock);
  opened.add(() => responseCache.close());
  const { policies, prompts, contextDocuments } = await openSharedDocuments(spend.database, clock);
  const budgetRules = await openBudgetRules(spend.database, clock, () => table.config.budgets);
  const concurrency = new ConcurrencyLeases({
    store: rateLimits.concurrency,
    ttlMs: concurrencyLeaseTtlMs,
    renewEveryMs: concurrencyLeaseTtlMs / 4,
    onRenewFailed(error) {
      logger.warn(
        { err: error instanceof Error ? error.name : 'Error' },
        'concurrency leases could not be renewed; retrying',
      );
    },
  });
  opened.add(() => {
    concurrency.stop();
  });
  const gateway = createGateway({
    authenticator,
    keyAdministration: new KeyAdministration(keyService, keys.directory, clock),
    directory: new DirectoryAdministration(keys.directory, keyService, clock),
    keyStore,
    routingTable: () => table,
    routing: {
      pool,
      clock,
      random: systemRandom,
      health,
      wait,
      maxResponseBytes: 64 * 1024 * 1024,
      streamDrainMs: loaded.config.server.streamDrainMs,
      sessions: new SessionAffinityStore(),
    },
    rateLimits: rateLimits.store,
    spend: spend.environment,
    budgets: budgetRules,
    concurrency,
    policies,
    prompts,
    contextDocuments,
    auditLog: audit.store,
    auditPayloads: audit.payloads,
    responseCache: () => responseCache.current(),
    onJwtRefused(reason) {
      logger.info({ reason }, 'a JWT was refused');
    },
    credentials: reloadingCredentialAdministration(credentialService, async () => reloads.run?.()),
    auditInspection: audit.inspection,
    sessions: openConsoleSessions(spend.database, authenticator, clock),
  });
  await responseCache.attachSemantic(() => gateway);
  const metrics = createGatewayMetrics({
    clock,
    table: () => table,
    gateway: () => gateway,
    budgetStore: spend.environment.store,
  });
  const tracer = await startConfiguredTracing(loaded.config.tracing, logger);
  opened.add(() => tracer?.shutdown());
  const server: Server = createHttpServer(
    loaded.config.server,
    {
      tracer,
      metrics: clusterAwareExposition(metrics.registry),
      gateway,
      clock,
      logger,
      maxBodyBytes: () => table.config.server.maxBodyBytes,
      sendStallMs: () => table.config.server.sendStallMs,
      payloadCaptureBytes: loaded.config.audit.enabled
        ? loaded.config.audit.payloads?.maxBytes
        : undefined,
      requestLog: requestLog.access,
      onRequestRecord(record) {
        if (table.config.log.requests && logger.isLevelEnabled('info')) {
          writeAccessLog(record);
        }
        audit.recordRequest(record);
        requestLog.record(record);
        metrics.record(record);
        options.onRequestRecord?.(record);
      },
    },
    await loadConsoleRoutes(options.consoleDirectory),
  );
  const refreshTimer = startSharedStateRefresh(
    { authenticator, policies, budgetRules, prompts, contextDocuments },
    logger,
  );
  opened.add(() => {
    clearInterval(refreshTimer);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(loaded.config.server.port, loaded.config.server.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  let reloading: Promise<ReloadResult> | undefined;
  const reload = async (): Promise<ReloadResult> => {
    if (options.configPath === undefined) {
      return { ok: true, changes: [] };
    }
    try {
      const next = loadGatewayConfig(
        options.configPath,
        options.environment,
        overrides,
        await credentialService.lookup(),
      );
      const changes = diffConfigFiles(currentFile, next.file);
      warnAboutRestartOnlyChanges(logger, table.config, next.config);
      table = await tableFor(next.config);
      tables.current = table;
      health.setPolicies(healthPolicies(next.config));
      responseCache.reconfigure(next.config);
      health.retain(healthKeys(table));
      currentFile = next.file;
      logger.level = next.config.log.level;
      logger.info(
        { changes },
        changes.length === 0 ? 'configuration reloaded, no changes' : 'configuration reloaded',
      );
      if (changes.length > 0) {
        audit.record({ at: clock.now(), kind: 'config.change', payload: { changes } });
      }
      return { ok: true, changes };
    } catch (error) {
      const configError =
        error instanceof ConfigError
          ? error
          : new ConfigError([{ path: '(reload)', message: String(error) }], 'reload');
      logger.error(
        { problems: configError.problems },
        'configuration reload failed; keeping the running configuration',
      );
      return { ok: false, error: configError };
    }
  };
  const serializedReload = (): Promise<ReloadResult> => {
    reloading = (reloading ?? Promise.resolve({ ok: true, changes: [] } as ReloadResult)).then(
      reload,
      reload,
    );
    return reloading;
  };
  reloads.run = serializedReload;

  const stopWatching =
    options.configPath !== undefined && options.watchConfig !== false
      ? watchConfigFile(options.configPath, () => void serializedReload())
      : () => undefined;
  const onSighup = (): void => void serializedReload();
  if (options.reloadOnSighup === true) {
    process.on('SIGHUP', onSighup);
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      stopWatching();
      process.off('SIGHUP', onSighup);
      clearInterval(refreshTimer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = setTimeout(
        () => server.closeAllConnections(),
        table.config.server.shutdownGraceMs,
      );
      await closed;
      clearTimeout(grace);
      await pool.close();
      await mocks.close();
      await keys.close();
      concurrency.stop();
      await rateLimits.close();
      await requestLog.close(table.config.server.shutdownGraceMs);
      // Audit records first: the ledger rows waiting for them are then written.
      spend.stopReaper();
      await audit.close(table.config.server.shutdownGraceMs);
      await spend.close(table.config.server.shutdownGraceMs);
      await responseCache.close();
      // After the last request has ended: its spans are exported before the process exits.
      await tracer?.shutdown();
      logger.flush();
      flushLogDestination();
    })();
    return closing;
  };

  logger.info(
    {
      url,
      stateDir: loaded.config.stateDir,
      providers: loaded.config.providers.map((provider) => provider.id),
    },
    'signalbox listening',
  );
  return {
    url,
    port: address.port,
    logger,
    config: () => table.config,
    reload: serializedReload,
    close,
  };
}
