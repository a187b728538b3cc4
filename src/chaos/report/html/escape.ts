import { redactSecrets } from '../../../provision/redact.js';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text from the user or the lab (scenario names, node names, error messages) as HTML text or
 * attribute value. Redacted first: once escaped, a quoted `"token": "..."` no longer looks
 * like one to the redactor.
 */
export function text(value: unknown): string {
  return redactSecrets(String(value)).replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

/** A coordinate with one decimal: finer than a pixel, short in the file. */
export function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** A check or node name made safe for an id or class (they are ours, but never trust). */
export function slug(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_');
}
