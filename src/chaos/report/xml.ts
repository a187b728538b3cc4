/**
 * Text for XML attributes and elements. Characters XML 1.0 cannot carry at all (most C0
 * controls, which do turn up in captured command output) are dropped, since JUnit
 * readers reject the whole file over one of them.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
