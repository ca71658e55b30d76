import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSemanticEntryFeedConformance } from '../semantic-entry-feed.conformance.ts';
import { SqliteSemanticEntryFeed } from './semantic-entry-feed.ts';

runSemanticEntryFeedConformance('sqlite', () =>
  Promise.resolve(new SqliteSemanticEntryFeed(mkdtempSync(join(tmpdir(), 'sb-feed-')), 1000)),
);
