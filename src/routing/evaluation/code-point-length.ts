/**
 * The length of `text` in Unicode code points, as Python's `len` counts it (JavaScript's
 * `length` counts UTF-16 units, so an emoji would count twice). A lone surrogate counts as one.
 */
export function codePointLength(text: string): number {
  return text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '_').length;
}
