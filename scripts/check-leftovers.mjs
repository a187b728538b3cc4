// After the suite: no container, network or volume of a test lab (e2e-*, it-*) may remain.
import { execFileSync } from 'node:child_process';

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
if (left.length > 0) {
  console.error(`ha-lab: the tests left resources behind:\n  ${left.join('\n  ')}`);
  process.exit(1);
}
console.log('ha-lab: no test resources left behind');
