import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isJsonObject, safeParseJson, type JsonObject } from '../../../lib/json.ts';

/**
 * The files of an operator's ONNX sentence-encoder directory, read into memory. The layout is
 * the one Hugging Face exports produce (docs/caching-onnx.md):
 *
 * ```
 * <directory>/model.onnx            (or <directory>/onnx/model.onnx, as optimum writes it)
 * <directory>/tokenizer.json
 * <directory>/tokenizer_config.json (optional)
 * ```
 */
export interface OnnxModelFiles {
  /** The path the model was read from, for error messages. */
  readonly modelPath: string;
  readonly modelBytes: Uint8Array;
  /** First 16 hex digits of the model file's SHA-256: part of the encoder id. */
  readonly modelDigest: string;
  readonly tokenizerJson: JsonObject;
  /** tokenizer_config.json when present, else `{}`. */
  readonly tokenizerConfig: JsonObject;
}

const modelCandidates = ['model.onnx', join('onnx', 'model.onnx')];

async function readIfPresent(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`ONNX encoder: cannot read ${path}`, { cause: error });
  }
}

function readJsonObject(path: string, text: Buffer): JsonObject {
  const parsed = safeParseJson(text.toString('utf8'));
  if (!parsed.ok) throw new Error(`ONNX encoder: ${path} is not valid JSON: ${parsed.message}`);
  if (!isJsonObject(parsed.value)) throw new Error(`ONNX encoder: ${path} is not a JSON object`);
  return parsed.value;
}

/**
 * Reads the model and tokenizer from `directory`. Rejects with an Error naming the missing or
 * unreadable file, so that an operator's typo in `cache.semantic.encoder.directory` is obvious.
 */
export async function readOnnxModelDirectory(directory: string): Promise<OnnxModelFiles> {
  let modelPath: string | undefined;
  let modelBytes: Buffer | undefined;
  for (const candidate of modelCandidates) {
    const path = join(directory, candidate);
    modelBytes = await readIfPresent(path);
    if (modelBytes !== undefined) {
      modelPath = path;
      break;
    }
  }
  if (modelPath === undefined || modelBytes === undefined) {
    throw new Error(
      `ONNX encoder: no model file in ${directory} (looked for ${modelCandidates.join(' and ')})`,
    );
  }

  const tokenizerPath = join(directory, 'tokenizer.json');
  const tokenizerText = await readIfPresent(tokenizerPath);
  if (tokenizerText === undefined) {
    throw new Error(`ONNX encoder: missing tokenizer file ${tokenizerPath}`);
  }
  const configPath = join(directory, 'tokenizer_config.json');
  const configText = await readIfPresent(configPath);

  return {
    modelPath,
    modelBytes: new Uint8Array(modelBytes.buffer, modelBytes.byteOffset, modelBytes.byteLength),
    modelDigest: createHash('sha256').update(modelBytes).digest('hex').slice(0, 16),
    tokenizerJson: readJsonObject(tokenizerPath, tokenizerText),
    tokenizerConfig: configText === undefined ? {} : readJsonObject(configPath, configText),
  };
}
