/**
 * The UI's one stylesheet, inline in every page and allowed by its hash in the CSP (no style
 * attributes anywhere: the lineage picture's SVG is styled by class too). Light, system fonts,
 * colours that say the state: green allowed, amber waiting, red refused.
 */
export const STYLE = `
:root{--ink:#1d232b;--mute:#5d6875;--line:#d8dee5;--bg:#f5f7f9;--card:#fff;--bar:#18222d;--accent:#2457c5;
--ok:#1f7a3f;--ok-bg:#e3f4e8;--warn:#8a5a00;--warn-bg:#fdf1d6;--bad:#b3261e;--bad-bg:#fbe5e3;--info:#245a9c;--info-bg:#e3edf9}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
header{display:flex;align-items:center;gap:24px;padding:10px 24px;background:var(--bar);color:#fff}
header a{color:#dfe7ef;text-decoration:none}header a:hover{color:#fff}
.brand{font-weight:700;font-size:16px;color:#fff}.brand span{font-weight:400;color:#9fb3c8}
nav{display:flex;align-items:center;gap:18px;flex:1}nav .who{margin-left:auto;color:#c9d4df}nav small{color:#8fa2b5}
main{max-width:1240px;margin:0 auto;padding:20px 24px 48px}
h1{font-size:22px;margin:4px 0 4px}h1 small{font-weight:400;color:var(--mute);font-size:15px}
h2{font-size:16px;margin:0 0 10px}h3{font-size:14px;margin:12px 0 6px}
a{color:var(--accent)}code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{margin:4px 0 0;padding:6px 8px;background:#f1f3f6;border-radius:4px;white-space:pre-wrap;word-break:break-all;max-height:180px;overflow:auto}
section,.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px;margin:0 0 16px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:16px;align-items:start}
.grid>section{margin:0}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;color:var(--mute);font-weight:600;text-transform:uppercase;letter-spacing:.03em}
tr.model th{background:#eef2f6;text-transform:none;font-size:14px;color:var(--ink);letter-spacing:0}
td.num{text-align:right;white-space:nowrap}time{white-space:nowrap}code.wrap{overflow-wrap:anywhere}td code{white-space:nowrap}td code.wrap{white-space:normal}.muted{color:var(--mute)}.empty{color:var(--mute);font-style:italic}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;margin:0}dl.facts dt{color:var(--mute)}dl.facts dd{margin:0;word-break:break-all}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;background:#e8ecf0;color:#3a4653}
.badge.approved,.badge.clean,.badge.low,.badge.active,.badge.ok{background:var(--ok-bg);color:var(--ok)}
.badge.review,.badge.approval,.badge.suspicious,.badge.medium,.badge.flagged,.badge.receiving,.badge.submitted,.badge.scanning{background:var(--warn-bg);color:var(--warn)}
.badge.rejected,.badge.revoked,.badge.malicious,.badge.error,.badge.high,.badge.critical,.badge.broken{background:var(--bad-bg);color:var(--bad)}
.badge.info,.badge.declared,.badge.verified{background:var(--info-bg);color:var(--info)}
.notice{padding:10px 14px;border-radius:6px;margin:0 0 16px;font-weight:500}
.notice.error{background:var(--bad-bg);color:var(--bad);border:1px solid #efb7b1}.notice.ok{background:var(--ok-bg);color:var(--ok);border:1px solid #b5dfc2}
form.inline{display:inline;margin:0}
form.stack{display:grid;gap:8px;align-content:start}form.stack label{display:grid;gap:3px;font-size:13px;color:var(--mute)}
.row{display:flex;gap:8px;flex-wrap:wrap;align-items:end}.row>*{flex:1}
input,select,textarea{font:inherit;padding:6px 8px;border:1px solid #b9c3ce;border-radius:5px;background:#fff;color:var(--ink);width:100%}
textarea{min-height:56px}
button{font:inherit;font-weight:600;padding:6px 14px;border-radius:5px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer}
button.danger{background:var(--bad);border-color:var(--bad)}button.secondary{background:#fff;color:var(--accent)}
button.link{background:none;border:none;color:#dfe7ef;padding:0;font-weight:400}
.actions{display:grid;grid-template-columns:repeat(auto-fit,minmax(270px,1fr));gap:12px;align-items:start}
.actions form{border:1px solid var(--line);border-radius:6px;padding:10px 12px;background:#fafbfc}
.actions h3{margin:0 0 6px}
.search{display:flex;gap:8px;max-width:560px;margin-bottom:16px}
.login{max-width:460px;margin:60px auto}
.graph{overflow-x:auto}.graph svg{display:block;max-width:100%;height:auto}
svg .node rect{fill:#fff;stroke:#8795a3;stroke-width:1.2}svg .node.root rect{stroke:var(--accent);stroke-width:2.4}
svg .node.approved rect{fill:#f1faf4}svg .node.revoked rect{fill:#fdf0ef;stroke:var(--bad)}svg .node.external rect{fill:#f4f5f7;stroke-dasharray:3 3}
svg .node text{font:12px system-ui,sans-serif;fill:var(--ink)}svg .node text.sub{fill:var(--mute);font-size:11px}
svg .edge{fill:none;stroke:#6b7785;stroke-width:1.6}svg .edge.declared{stroke-dasharray:6 4}svg .edge.verified{stroke:var(--ok);stroke-width:2.4}
svg .legend text{font:11px system-ui,sans-serif;fill:var(--mute)}
svg marker path{fill:#6b7785}
.finding td{font-size:13px}.sev{white-space:nowrap}
.chain.ok{border-left:4px solid var(--ok)}.chain.broken{border-left:4px solid var(--bad)}
`;
