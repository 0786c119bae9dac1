import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolveOptionalFile } from '../util/optional-package.js';

export const UI_PACKAGE = '@asyncapi/react-component';

/** The files of `@asyncapi/react-component` the page loads, served from node_modules (no CDN). */
export const UI_ASSETS: Readonly<Record<string, { readonly file: string; readonly contentType: string }>> = {
  'asyncapi-ui.js': { file: `${UI_PACKAGE}/browser/standalone/index.js`, contentType: 'text/javascript; charset=utf-8' },
  'asyncapi-ui.css': { file: `${UI_PACKAGE}/styles/default.min.css`, contentType: 'text/css; charset=utf-8' },
};

/**
 * The HTML page that renders the document with the component's standalone bundle (React
 * included). Until the bundle has run, it says where the JSON is and what to install.
 */
export function asyncApiPage(title: string, documentPath: string, uiPath: string): string {
  const asset = (name: string) => escapeHtml(`${uiPath}/${name}`);
  // JSON in a <script>: `<` escaped so that no value can close the element.
  const config = JSON.stringify({ schema: { url: documentPath, options: { method: 'GET' } }, config: { show: { sidebar: true } } }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · AsyncAPI</title>
<link rel="stylesheet" href="${asset('asyncapi-ui.css')}">
</head>
<body>
<div id="asyncapi"><p>The AsyncAPI document is at <a href="${escapeHtml(documentPath)}">${escapeHtml(documentPath)}</a>. This page renders it with
${UI_PACKAGE} (npm install ${UI_PACKAGE}) and JavaScript.</p></div>
<script src="${asset('asyncapi-ui.js')}"></script>
<script>
if (window.AsyncApiStandalone) AsyncApiStandalone.render(${config}, document.getElementById('asyncapi'));
</script>
</body>
</html>
`;
}

/** Streams one of the UI assets; 404 naming the package when it is not installed. */
export function serveUiAsset(name: string, req: IncomingMessage, res: ServerResponse): void {
  const asset = UI_ASSETS[name]!;
  const file = resolveOptionalFile(asset.file);
  if (!file) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`The AsyncAPI page needs ${UI_PACKAGE}: npm install ${UI_PACKAGE}`);
    return;
  }
  // The installed package pins the file: it changes only with a new deployment.
  res.writeHead(200, { 'Content-Type': asset.contentType, 'Cache-Control': 'public, max-age=3600' });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file)
    .on('error', (error) => res.destroy(error))
    .pipe(res);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
