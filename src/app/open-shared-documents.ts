import type { Clock } from '../lib/clock.ts';
import { ContextDocumentService } from '../pipeline/context/context-document-service.ts';
import { PolicyService } from '../pipeline/policy/policy-service.ts';
import { PromptService } from '../pipeline/prompts/prompt-service.ts';
import type { SqlDatabase } from '../storage/sql/sql-database.ts';
import { SqlContextDocumentStore } from '../storage/sql/sql-context-document-store.ts';
import { SqlPolicyStore } from '../storage/sql/sql-policy-store.ts';
import { SqlPromptStore } from '../storage/sql/sql-prompt-store.ts';

/**
 * The documents every replica shares through the state database, loaded before the first
 * request: the policy in force, prompt templates and their labels, context documents and their
 * attachments. Rejects when the database cannot be read.
 */
export async function openSharedDocuments(
  database: SqlDatabase,
  clock: Clock,
): Promise<{
  readonly policies: PolicyService;
  readonly prompts: PromptService;
  readonly contextDocuments: ContextDocumentService;
}> {
  const policies = new PolicyService(new SqlPolicyStore(database), clock);
  const prompts = new PromptService(new SqlPromptStore(database), clock);
  const contextDocuments = new ContextDocumentService(new SqlContextDocumentStore(database), clock);
  await policies.refresh();
  await prompts.refresh();
  await contextDocuments.refresh();
  return { policies, prompts, contextDocuments };
}
