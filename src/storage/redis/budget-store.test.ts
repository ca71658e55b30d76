import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll } from 'vitest';
import { usePostgresTestSchemas } from '../../../test/helpers/postgres-test-schemas.ts';
import { runBudgetStoreConformance } from '../budget-store.conformance.ts';
import { PostgresSqlDatabase } from '../postgres/postgres-sql-database.ts';
import { RedisBudgetStore } from './budget-store.ts';

/** The Redis these tests use; they fail (never skip) when it is unreachable. */
const redisUrl = process.env.SIGNALBOX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const schemas = usePostgresTestSchemas();
const clients: ReturnType<typeof createClient>[] = [];

async function connect(): Promise<ReturnType<typeof createClient>> {
  const client = createClient({ url: redisUrl, socket: { reconnectStrategy: false } });
  client.on('error', () => undefined);
  await client.connect();
  clients.push(client);
  return client;
}

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
});

runBudgetStoreConformance('redis + postgres', async () => {
  const prefix = `signalbox-test:${randomUUID()}:budget:`;
  const schema = await schemas.freshSchema();
  const client = await connect();
  const ledger = new PostgresSqlDatabase(await schemas.openPool(schema));
  return {
    store: new RedisBudgetStore({ client, ledger, keyPrefix: prefix }),
    reopen: async () =>
      new RedisBudgetStore({
        client: await connect(),
        ledger: new PostgresSqlDatabase(await schemas.openPool(schema)),
        keyPrefix: prefix,
      }),
    forgetCounters: async () => {
      const keys = await client.keys(`${prefix}counter:*`);
      if (keys.length > 0) await client.del(keys);
    },
  };
});
