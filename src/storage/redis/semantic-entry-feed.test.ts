import { useRedisTestClients } from '../../../test/helpers/redis-test-clients.ts';
import { runSemanticEntryFeedConformance } from '../semantic-entry-feed.conformance.ts';
import { RedisSemanticEntryFeed } from './semantic-entry-feed.ts';

const redis = useRedisTestClients();
let count = 0;

runSemanticEntryFeedConformance('redis', async () => {
  count += 1;
  return new RedisSemanticEntryFeed(
    await redis.connect(),
    `${redis.runPrefix}feed-${String(count)}`,
    1000,
  );
});
