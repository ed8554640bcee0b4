/** The page's whole stylesheet: system fonts only, so the file never asks for a font. */
export const REPORT_CSS = `
:root { --fg: #1f2933; --muted: #5f6b7a; --line: #d8dee6; --bg: #ffffff; --panel: #f5f7fa; --accent: #2563a8; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
header { padding: 20px 32px 12px; border-bottom: 1px solid var(--line); background: var(--panel); }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: var(--muted); }
nav { position: sticky; top: 0; z-index: 2; background: var(--bg); border-bottom: 1px solid var(--line); padding: 6px 32px; }
nav a { color: var(--accent); text-decoration: none; margin-right: 18px; font-weight: 500; }
nav a:hover { text-decoration: underline; }
main { padding: 8px 32px 48px; max-width: 1400px; }
section { margin: 28px 0; }
/* a jump to #section or to a host's row lands below the sticky nav, not under it */
section, [id] { scroll-margin-top: 48px; }
h2 { font-size: 18px; margin: 0 0 6px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 6px; }
.muted, .note { color: var(--muted); }
.note { margin: 4px 0; font-size: 13px; }
.note::before { content: "Note: "; font-weight: 600; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 12px; margin: 12px 0 18px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.card .value { font-size: 26px; font-weight: 650; font-variant-numeric: tabular-nums; }
.card .label { font-weight: 600; }
.card .detail { color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
table { border-collapse: collapse; font-size: 13px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: var(--panel); font-weight: 600; white-space: nowrap; overflow-wrap: normal; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.table-wrap { max-height: 560px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; }
.table-wrap table { width: 100%; }
.table-wrap caption { position: absolute; left: -9999px; }
.table-wrap thead th { position: sticky; top: 0; }
.table-tools { display: flex; gap: 12px; align-items: center; margin: 6px 0; }
.table-tools input { padding: 4px 8px; border: 1px solid var(--line); border-radius: 4px; min-width: 240px; font: inherit; }
th button { all: unset; cursor: pointer; }
th button::after { content: " ⇅"; color: #9aa5b1; }
th[aria-sort="ascending"] button::after { content: " ▲"; color: var(--accent); }
th[aria-sort="descending"] button::after { content: " ▼"; color: var(--accent); }
tbody tr:hover td { background: #eef4fb; }
.figure { overflow: auto; border: 1px solid var(--line); border-radius: 6px; padding: 8px; background: #fff; }
.figure.graph { max-height: 85vh; }
.figure svg { display: block; }
svg.fm-graph { max-width: 100%; height: auto; }
.fm-matrix .cell:hover { stroke: #111; stroke-width: 1.5; }
.fm-matrix .hl { font-weight: 700; fill: var(--accent); }
.fm-chord .ribbon { stroke: #fff; stroke-width: 0.5; }
.fm-chord.focus .ribbon { opacity: 0.08; }
.fm-chord.focus .ribbon.on { opacity: 1; }
.fm-chord .ribbon:hover { fill-opacity: 1; }
.chord-legend { margin-top: 24px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }
.two-col { display: flex; flex-wrap: wrap; gap: 32px; align-items: flex-start; }
.bars .bar-cell { width: 240px; }
.bars .bar { display: block; height: 12px; background: #d9822b; border-radius: 2px; }
.groups-note { margin: 6px 0; padding: 6px 10px; background: #eef4fb; border-left: 3px solid var(--accent); font-size: 13px; }
.filter-note { margin: 4px 0; font-size: 13px; font-weight: 600; color: #8a4b0f; }
table.lines td { white-space: pre-line; }
.host-list { columns: 4 200px; padding-left: 18px; font-size: 13px; }
footer { color: var(--muted); font-size: 12px; padding: 12px 32px; border-top: 1px solid var(--line); }
@media print { nav { display: none; } .table-wrap, .figure.graph { max-height: none; overflow: visible; } }
`
