// After the suite: no container, network or volume of a test lab (e2e-*, it-*) may remain.
// `--record FILE` (before the suite) writes what is already there; `--before FILE` (after it)
// fails only on what the suite added, and names the rest as an earlier run's debris, so a
// machine a killed run left dirty does not pass the blame to the next clean run.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const [mode, file] = process.argv.slice(2);

const kinds = [
  [
    'container',
    [
      'ps',
      '-a',
      '--filter',
      'label=io.ha-lab.managed=true',
      '--format',
      '{{.Label "io.ha-lab.lab"}} {{.Names}}',
    ],
  ],
  [
    'network',
    [
      'network',
      'ls',
      '--filter',
      'label=io.ha-lab.managed=true',
      '--format',
      '{{.Label "io.ha-lab.lab"}} {{.Name}}',
    ],
  ],
  [
    'volume',
    [
      'volume',
      'ls',
      '--filter',
      'label=io.ha-lab.managed=true',
      '--format',
      '{{.Label "io.ha-lab.lab"}} {{.Name}}',
    ],
  ],
  [
    'image',
    [
      'images',
      '--filter',
      'label=io.ha-lab.snapshot',
      '--format',
      '{{.Repository}} {{.Repository}}:{{.Tag}}',
    ],
  ],
];
const left = [];
for (const [kind, args] of kinds) {
  for (const line of execFileSync('docker', args, { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)) {
    let [lab, name] = line.split(' ');
    // A snapshot image is named ha-lab/snapshot-LAB-SNAPSHOT: the lab is in its name.
    if (kind === 'image') lab = (lab ?? '').replace(/^ha-lab\/snapshot-/, '');
    if (/^(e2e|it|mx|bench)-/.test(lab ?? '') || /^ha-lab-doctor-/.test(name ?? ''))
      left.push(`${kind} ${name} (lab ${lab})`);
  }
}
if (mode === '--record') {
  writeFileSync(file, left.join('\n'));
  process.exit(0);
}
const earlier = new Set(mode === '--before' ? readFileSync(file, 'utf8').split('\n') : []);
const debris = left.filter((entry) => earlier.has(entry));
const added = left.filter((entry) => !earlier.has(entry));
if (debris.length > 0) {
  console.error(
    `ha-lab: left by a run before this one (remove with \`ha-lab down --name LAB\`):\n  ${debris.join('\n  ')}`,
  );
}
if (added.length > 0) {
  console.error(`ha-lab: the tests left resources behind:\n  ${added.join('\n  ')}`);
  process.exit(1);
}
console.log('ha-lab: no test resources left behind');
