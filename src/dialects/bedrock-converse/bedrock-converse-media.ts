import type { FilePart, ImagePart, MediaSource } from '../../canonical/content-part.ts';
import type { JsonObject } from '../../lib/json.ts';

/**
 * Media types Converse takes as images.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ImageBlock.html
 */
const imageFormats: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/**
 * Media types Converse takes as documents.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_DocumentBlock.html
 */
const documentFormats: Readonly<Record<string, string>> = {
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/html': 'html',
  'text/plain': 'txt',
  'text/markdown': 'md',
};

const extensionTypes: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  csv: 'text/csv',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  html: 'text/html',
  htm: 'text/html',
  txt: 'text/plain',
  md: 'text/markdown',
};

function extensionType(name: string | undefined): string | undefined {
  const match =
    name === undefined ? null : /\.([A-Za-z0-9]{1,5})$/.exec(name.split(/[?#]/)[0] ?? '');
  return match === null ? undefined : extensionTypes[(match[1] ?? '').toLowerCase()];
}

function isS3(source: MediaSource): source is Extract<MediaSource, { kind: 'url' }> {
  return source.kind === 'url' && source.url.toLowerCase().startsWith('s3://');
}

/** The media type of a source: declared, or guessed from the file or object name. */
function mediaTypeOf(source: MediaSource, filename?: string): string | undefined {
  switch (source.kind) {
    case 'base64':
      return source.mediaType.toLowerCase().split(';')[0]?.trim();
    case 'url':
      return (
        source.mediaType?.toLowerCase() ?? extensionType(filename) ?? extensionType(source.url)
      );
    case 'file-id':
      return undefined;
  }
}

/**
 * Converse carries media inline (`bytes`, base64 in JSON) or, for images, video and documents, as
 * an S3 location; it cannot fetch a web URL or use a provider file id.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ImageSource.html
 */
function mediaSource(source: MediaSource): JsonObject | undefined {
  if (source.kind === 'base64') {
    return { bytes: source.data };
  }
  return isS3(source) ? { s3Location: { uri: source.url } } : undefined;
}

function sourceProblem(source: MediaSource, what: 'image' | 'file'): string | undefined {
  if (source.kind === 'file-id') {
    return `${what} given by file id`;
  }
  if (source.kind === 'url' && !isS3(source)) {
    return `${what} by URL`;
  }
  return undefined;
}

/** Why Converse cannot take this image, or undefined when it can. Pure. */
export function bedrockConverseImageProblem(part: ImagePart): string | undefined {
  const problem = sourceProblem(part.source, 'image');
  if (problem !== undefined) {
    return problem;
  }
  const mediaType = mediaTypeOf(part.source);
  return mediaType !== undefined && imageFormats[mediaType] !== undefined
    ? undefined
    : `image type ${mediaType ?? 'unknown'}`;
}

/** Why Converse cannot take this file, or undefined when it can (as an image or a document). */
export function bedrockConverseFileProblem(part: FilePart): string | undefined {
  const problem = sourceProblem(part.source, 'file');
  if (problem !== undefined) {
    return problem;
  }
  const mediaType = mediaTypeOf(part.source, part.filename);
  return mediaType !== undefined &&
    (documentFormats[mediaType] !== undefined || imageFormats[mediaType] !== undefined)
    ? undefined
    : `file type ${mediaType ?? 'unknown'}`;
}

/**
 * A Converse `image` block, or undefined when the image cannot be sent (see
 * `bedrockConverseImageProblem`).
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ImageBlock.html
 */
export function encodeBedrockConverseImage(source: MediaSource): JsonObject | undefined {
  const mediaType = mediaTypeOf(source);
  const format = mediaType === undefined ? undefined : imageFormats[mediaType];
  const encoded = mediaSource(source);
  return format === undefined || encoded === undefined
    ? undefined
    : { image: { format, source: encoded } };
}

/**
 * A document name Converse accepts: letters, digits, single spaces, hyphens, parentheses and
 * square brackets; the file extension is dropped (the format says it).
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_DocumentBlock.html
 */
export function bedrockConverseDocumentName(filename: string | undefined): string {
  const base = (filename ?? '').replace(/\.[A-Za-z0-9]{1,5}$/, '');
  return base
    .replace(/[^A-Za-z0-9\s()[\]-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200)
    .trim();
}

/**
 * A Converse `document` block (or `image` block for an image file), or undefined when the file
 * cannot be sent. `name` must already be a valid, unique document name.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_DocumentBlock.html
 */
export function encodeBedrockConverseFile(part: FilePart, name: string): JsonObject | undefined {
  const mediaType = mediaTypeOf(part.source, part.filename);
  if (mediaType !== undefined && imageFormats[mediaType] !== undefined) {
    return encodeBedrockConverseImage(
      part.source.kind === 'url' ? { ...part.source, mediaType } : part.source,
    );
  }
  const format = mediaType === undefined ? undefined : documentFormats[mediaType];
  const encoded = mediaSource(part.source);
  return format === undefined || encoded === undefined
    ? undefined
    : { document: { format, name, source: encoded } };
}
