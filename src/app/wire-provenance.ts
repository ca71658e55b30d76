import type { ContextProvenance, PromptProvenance } from '../canonical/request-provenance.ts';

/** A request's prompt template version as the audit log and the request log write it. Pure. */
export function wirePrompt(prompt: PromptProvenance) {
  return {
    id: prompt.id,
    version: prompt.version,
    label: prompt.label ?? null,
    sha256: prompt.sha256,
  };
}

/** One injected (or refusing) context document as the audit log and request log write it. Pure. */
export function wireContext(document: ContextProvenance) {
  return {
    id: document.id,
    version: document.version,
    sha256: document.sha256,
    status: document.status,
    handling: document.handling,
    attachment: document.attachment,
  };
}
