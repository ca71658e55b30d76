import type { InferenceSession } from 'onnxruntime-web';

/**
 * Which of a loaded model's inputs and output the encoder feeds and reads. Sentence encoders
 * exported from Hugging Face name them by convention (BERT: input_ids, attention_mask,
 * token_type_ids; sentence-transformers adds a pooled `sentence_embedding` output).
 */
export interface OnnxSessionPlan {
  readonly inputIdsName: string;
  readonly attentionMaskName: string | undefined;
  /** Fed all zeros: a single text is segment 0. */
  readonly tokenTypeIdsName: string | undefined;
  /** Integer type of the token inputs: int64 in standard exports, int32 in some optimised ones. */
  readonly tokenElementType: 'int64' | 'int32';
  readonly outputName: string;
}

// Preferred first: a pooled output already applies the model's own pooling (and any dense or
// normalisation layers after it), so it is closer to how the model was meant to be used.
const outputPreference = ['sentence_embedding', 'last_hidden_state', 'token_embeddings'];

/**
 * Matches the session's declared inputs and outputs to the roles above. Throws an Error naming
 * what was found when the model needs an input the encoder cannot provide or has no usable
 * output, so an unsuitable model fails at startup rather than on every lookup.
 */
export function planSession(
  session: Pick<InferenceSession, 'inputNames' | 'outputNames' | 'inputMetadata'>,
): OnnxSessionPlan {
  const known = new Set(['input_ids', 'attention_mask', 'token_type_ids']);
  const unknown = session.inputNames.filter((name) => !known.has(name));
  if (!session.inputNames.includes('input_ids') || unknown.length > 0) {
    throw new Error(
      `ONNX encoder: the model's inputs (${session.inputNames.join(', ')}) are not a sentence ` +
        "encoder's: expected input_ids, optionally attention_mask and token_type_ids",
    );
  }
  const outputName =
    outputPreference.find((name) => session.outputNames.includes(name)) ??
    (session.outputNames.length === 1 ? session.outputNames[0] : undefined);
  if (outputName === undefined) {
    throw new Error(
      `ONNX encoder: none of the model's outputs (${session.outputNames.join(', ')}) is ` +
        `one of ${outputPreference.join(', ')}`,
    );
  }
  const inputIdsMetadata = session.inputMetadata.find((entry) => entry.name === 'input_ids');
  const tokenElementType =
    inputIdsMetadata?.isTensor === true && inputIdsMetadata.type === 'int32' ? 'int32' : 'int64';
  return {
    inputIdsName: 'input_ids',
    attentionMaskName: session.inputNames.includes('attention_mask') ? 'attention_mask' : undefined,
    tokenTypeIdsName: session.inputNames.includes('token_type_ids') ? 'token_type_ids' : undefined,
    tokenElementType,
    outputName,
  };
}
