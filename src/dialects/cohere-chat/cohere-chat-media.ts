import type { FilePart, ImagePart } from '../../canonical/content-part.ts';

/**
 * The `image_url.url` Cohere takes for an image, or for a file that is an image: a web URL, or
 * inline bytes as a base64 data URL. Undefined when Cohere cannot take the part (a provider file
 * id, or a file that is not an image); such parts are refused by `unsupportedCohereChatParameters`.
 * Pure.
 * @see https://docs.cohere.com/docs/image-inputs
 */
export function cohereImageUrl(part: ImagePart | FilePart): string | undefined {
  const source = part.source;
  if (part.type === 'file') {
    const mediaType = source.kind === 'file-id' ? undefined : source.mediaType;
    if (mediaType?.toLowerCase().startsWith('image/') !== true) {
      return undefined;
    }
  }
  switch (source.kind) {
    case 'url':
      return source.url;
    case 'base64':
      return `data:${source.mediaType};base64,${source.data}`;
    case 'file-id':
      return undefined;
  }
}
