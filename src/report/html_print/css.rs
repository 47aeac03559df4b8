//! The printed report's style sheet: A4 portrait, a landscape page for a section whose table
//! is wider than portrait's printable width, the municipality, half year and page number in
//! the page's margin boxes (Chromium prints them), colour kept in print.

pub(super) const CSS: &str = r#"
@page { size: A4 portrait; margin: 14mm 10mm 16mm; }
@page wide { size: A4 landscape; margin: 12mm 10mm 14mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.35; color: #1d2733; margin: 0 auto; max-width: 190mm; padding: 6mm 0; }
h1 { font-size: 17pt; margin: 0 0 2mm; color: #123a5e; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; color: #123a5e; border-bottom: 1.5px solid #123a5e; padding-bottom: 1mm; break-after: avoid; }
h3 { font-size: 10.5pt; margin: 4mm 0 1.5mm; break-after: avoid; }
.meta { color: #4a5866; margin: 0 0 3mm; }
.stamp { border: 1px solid #8a5a00; background: #fff3d6; color: #5c3c00; padding: 2mm 3mm; margin: 0 0 4mm; font-weight: 600; }
.stamp.frozen { border-color: #1e6b34; background: #e6f4ea; color: #14461f; }
.stamp small { display: block; font-weight: 400; margin-top: 0.5mm; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 0 0 1.5mm; }
tr { break-inside: avoid; }
thead { display: table-header-group; }
th, td { padding: 1mm 1.6mm; border-bottom: 0.5px solid #cfd8e0; text-align: left; vertical-align: top; overflow-wrap: break-word; }
th { background: #e8eef4; font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.v { font-weight: 600; white-space: normal; }
.v::before { content: "\25CF"; margin-right: 1mm; }
.v-ok { color: #1e6b34; } .v-warning { color: #8a5a00; } .v-breach { color: #a1161b; }
.v-insufficient_data, .v-no_limit { color: #5f6b76; font-weight: 400; }
.v-insufficient_data::before, .v-no_limit::before { content: "\25CB"; }
.explain { color: #4a5866; font-size: 8.5pt; margin: 0 0 4mm; max-width: 170mm; break-before: avoid; }
.note { color: #5f6b76; font-style: italic; }
.summary { break-after: page; }
.summary td:first-child { font-weight: 600; }
ol.points { margin: 1mm 0 3mm 5mm; padding-left: 4mm; }
ol.points li { margin: 0 0 1mm; break-inside: avoid; }
.lines td:first-child { width: 34mm; font-weight: 600; }
section.wide { page: wide; }
section.wide table { font-size: 8.5pt; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 3mm; margin: 2mm 0 2mm; }
.chart { border: 0.5px solid #cfd8e0; padding: 2mm; break-inside: avoid; }
.chart h3 { margin: 0 0 1mm; font-size: 9.5pt; }
.legend { font-size: 8pt; color: #4a5866; margin: 1mm 0 0; }
.legend span { white-space: nowrap; margin-right: 3mm; }
.legend i { display: inline-block; width: 4mm; height: 1.2mm; vertical-align: middle; margin-right: 1mm; }
footer { margin-top: 6mm; color: #4a5866; font-size: 8.5pt; }
@media screen { body { padding: 8mm 4mm; } }
/* On a phone (a shared link opened there): one chart per row, charts and headings shrink. */
@media screen and (max-width: 40rem) { .charts { grid-template-columns: minmax(0, 1fr); } .chart svg { max-width: 100%; height: auto; } h1, h2, h3 { overflow-wrap: anywhere; } }
@media print { body { max-width: none; padding: 0; } }
table.narrow { width: auto; min-width: 55%; }
.summary table { font-size: 9pt; }
.summary th, .summary td { padding: 0.8mm 1.4mm; }
.summary td.nw, .v.nw, .summary th.n { white-space: nowrap; }
th.n { text-align: right; }
section.wide td:first-child { white-space: nowrap; }
.chart .hollow { fill: #fff; stroke-width: 1.2; }
"#;
