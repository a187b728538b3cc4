import { Text } from 'ink';
import { textWidth } from './format.js';
import { useToneProps } from './theme.js';

const FULL =
  '↑↓/jk select  K kill  s stop  p pause  n net  r restart  e/a/v svc  R restore  c scenario  q quit  ? help';
const SHORT = '↑↓jk K kill s stop p pause n net r rst e/a/v svc R restore c scen q quit ?';

export function HelpBar({ width }: { width: number }) {
  const tone = useToneProps();
  return (
    <Text wrap="truncate" {...tone('dim')}>
      {textWidth(FULL) <= width ? FULL : SHORT}
    </Text>
  );
}
