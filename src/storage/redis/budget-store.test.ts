import { randomUUID } from 'node:crypto';
import { usePostgresTestSchemas } from '../../../test/helpers/postgres-test-schemas.ts';
import { useRedisTestClients } from '../../../test/helpers/redis-test-clients.ts';
import { runBudgetStoreConformance } from '../budget-store.conformance.ts';
import { PostgresSqlDatabase } from '../postgres/postgres-sql-database.ts';
import { RedisBudgetStore } from './budget-store.ts';

const schemas = usePostgresTestSchemas();
const redis = useRedisTestClients();

runBudgetStoreConformance('redis + postgres', async () => {
  const prefix = `${redis.runPrefix}${randomUUID()}:budget:`;
  const schema = await schemas.freshSchema();
  const client = await redis.connect();
  const ledger = new PostgresSqlDatabase(await schemas.openPool(schema));
  return {
    store: new RedisBudgetStore({ client, ledger, keyPrefix: prefix }),
    reopen: async () =>
      new RedisBudgetStore({
        client: await redis.connect(),
        ledger: new PostgresSqlDatabase(await schemas.openPool(schema)),
        keyPrefix: prefix,
      }),
    forgetCounters: async () => {
      const keys = await client.keys(`${prefix}counter:*`);
      if (keys.length > 0) await client.del(keys);
    },
  };
});
