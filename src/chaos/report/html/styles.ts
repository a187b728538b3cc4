/**
 * The page's only style sheet, inlined: the page must open from disk or a CI artifact with no
 * network. Colours are variables so dark mode and print swap them in one place; every state
 * also differs in shape or label, never in colour alone.
 */
export const STYLES = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1d2330; --muted: #5b6473; --line: #d6dae1; --lane: #f3f5f8;
  --ok: #2f9e57; --ok-soft: #a8dcb9; --bad: #d93a3a; --warn: #d99a1e; --unknown: #9aa3b2;
  --fault: rgba(217, 58, 58, 0.12); --fault-solid: #e9a0a0; --restore: #2a6fd6;
  --l0: #3b7dd8; --l1: #8e5bd6; --l2: #d6812f; --card: #f7f8fa;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #14171d; --fg: #e4e7ec; --muted: #9aa3b2; --line: #353b46; --lane: #1e232b;
    --ok: #46c274; --ok-soft: #2e6b45; --bad: #f06060; --warn: #e8b04a; --unknown: #6c7484;
    --fault: rgba(240, 96, 96, 0.16); --fault-solid: #8a3a3a; --restore: #6ea2ff;
    --l0: #6ea2ff; --l1: #b48cf2; --l2: #f0a35c; --card: #1b1f26;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 20px 20px 40px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 26px 0 8px; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px; }
.muted { color: var(--muted); }
.banner { border-radius: 8px; padding: 14px 18px; border-left: 8px solid var(--muted); background: var(--card); }
.banner.passed { border-left-color: var(--ok); }
.banner.failed, .banner.error, .banner.engine-lost { border-left-color: var(--bad); }
.banner.interrupted { border-left-color: var(--warn); }
.verdict-word { font-weight: 700; letter-spacing: .02em; }
.passed .verdict-word { color: var(--ok); }
.failed .verdict-word, .error .verdict-word, .engine-lost .verdict-word { color: var(--bad); }
.interrupted .verdict-word { color: var(--warn); }
.run-error { margin: 8px 0 0; white-space: pre-wrap; word-break: break-word; }
.reasons { margin: 8px 0 0; padding-left: 20px; }
.chips { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0 0; padding: 0; list-style: none; }
.chips li { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; }
.chips b { font-size: 16px; }
.chips .over { border-color: var(--bad); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.badge { display: inline-block; min-width: 44px; text-align: center; border-radius: 4px; padding: 1px 6px;
  font-weight: 700; font-size: 12px; color: #fff; }
.badge.pass { background: var(--ok); } .badge.fail { background: var(--bad); }
tr.fail td { background: color-mix(in srgb, var(--bad) 7%, transparent); }
details summary { cursor: pointer; color: var(--muted); }
.timeline { width: 100%; height: auto; display: block; }
.timeline text { fill: var(--fg); font-size: 11px; }
.timeline .label { text-anchor: end; }
.timeline .tick { text-anchor: middle; fill: var(--muted); }
.timeline .in-bar { fill: #fff; font-size: 10px; pointer-events: none; }
.plot { fill: none; }
.lane-bg { fill: var(--lane); }
.grid { stroke: var(--line); stroke-width: 1; }
.fault-band { fill: var(--fault); pointer-events: none; }
.fault { fill: var(--fault-solid); }
.restore { stroke: var(--restore); stroke-width: 1.5; stroke-dasharray: 4 3; }
.mark { stroke-width: 2; }
.mark.fail { stroke: var(--bad); } .mark.pass { stroke: var(--ok); stroke-dasharray: 2 3; }
.timeline .mark-label { fill: var(--bad); font-weight: 700; text-anchor: middle; paint-order: stroke;
  stroke: var(--bg); stroke-width: 3px; }
.mark:target { stroke-width: 4; stroke-dasharray: none; }
.vip-held { fill: var(--ok); } .vip-free { fill: none; } .vip-unknown { fill: var(--unknown); }
.vip-frozen { fill: var(--warn); }
.api-up { fill: var(--ok-soft); } .api-down { fill: var(--bad); }
.leader-0 { fill: var(--l0); } .leader-1 { fill: var(--l1); } .leader-2 { fill: var(--l2); }
.leader-none { fill: var(--unknown); } .leader-no-quorum, .leader-two-leaders { fill: var(--bad); }
.ok { fill: var(--ok-soft); } .degraded { fill: var(--warn); } .bad { fill: var(--bad); }
.term { fill: var(--fg); }
.w-ok { fill: var(--ok-soft); } .w-unknown { fill: var(--warn); } .w-failed { fill: var(--bad); }
.lost { fill: var(--bad); stroke: var(--fg); stroke-width: .5; }
.ready-True { fill: var(--ok-soft); } .ready-False { fill: var(--bad); } .ready-Unknown { fill: var(--warn); }
.ready-absent { fill: none; }
.lease-fresh { fill: var(--ok); } .lease-late { fill: var(--warn); } .lease-expired { fill: var(--bad); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 6px 0; padding: 0; list-style: none;
  font-size: 12px; color: var(--muted); }
.sw { display: inline-block; width: 12px; height: 10px; margin-right: 4px; vertical-align: -1px;
  border: 1px solid var(--line); }
.sw.ok { background: var(--ok); } .sw.soft { background: var(--ok-soft); } .sw.bad { background: var(--bad); }
.sw.warn { background: var(--warn); } .sw.unknown { background: var(--unknown); }
.sw.fault { background: var(--fault-solid); } .sw.restore { border: 0; border-left: 2px dashed var(--restore); }
.strip .dot { fill: var(--l0); fill-opacity: .7; } .strip .p50 { stroke: var(--fg); stroke-width: 2; }
.strip .p95 { stroke: var(--warn); stroke-width: 2; }
footer { margin-top: 30px; font-size: 12px; color: var(--muted); }
@media print {
  :root { --bg: #fff; --fg: #000; --card: #fff; --lane: #f4f4f4; }
  main { max-width: none; padding: 0; }
  .banner, .chips li { border: 1px solid #999; }
  section, svg, tr { break-inside: avoid; }
  details > *:not(summary) { display: block; }
  a { color: inherit; text-decoration: none; }
}
@page { size: A4 landscape; margin: 12mm; }
`;
