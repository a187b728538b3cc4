/**
 * Colour is a bonus layered over text markers: every state already reads as a word or a
 * glyph, so turning colour off (NO_COLOR, https://no-color.org) loses nothing.
 */
import { createContext, useContext } from 'react';

export type Tone = 'bad' | 'good' | 'warn' | 'fault' | 'accent' | 'dim' | 'plain';

/** NO_COLOR set to anything but the empty string disables colour, as the convention says. */
export function colorEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env['NO_COLOR'];
  return value === undefined || value === '';
}

const TONE_COLORS: Record<Tone, string | undefined> = {
  bad: 'red',
  good: 'green',
  warn: 'yellow',
  fault: 'magenta',
  accent: 'cyan',
  dim: 'gray',
  plain: undefined,
};

/** Props for an Ink <Text>: empty when colour is off, so no escape codes are emitted. */
export function toneProps(tone: Tone, color: boolean): { color?: string } {
  const value = color ? TONE_COLORS[tone] : undefined;
  return value === undefined ? {} : { color: value };
}

export const ColorContext = createContext<boolean>(true);

export function useToneProps(): (tone: Tone) => { color?: string } {
  const color = useContext(ColorContext);
  return (tone) => toneProps(tone, color);
}
