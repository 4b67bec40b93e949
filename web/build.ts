// Builds the web UI into web/dist: one bundle of the Preact application, its layout worker and
// one stylesheet, named by content hash (so they can be cached for ever), and the page that loads them.
// Deterministic and fast (esbuild, well under a second); npm ci and npm start run it.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, type BuildOptions } from "esbuild";

const WEB = path.dirname(fileURLToPath(import.meta.url));

export async function buildWeb(outdir = path.join(WEB, "dist")): Promise<{ script: string; style: string }> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const common = {
    bundle: true as const,
    minify: true,
    target: ["chrome110", "firefox115", "safari16"],
    outdir: path.join(outdir, "assets"),
    entryNames: "[name]-[hash]",
    metafile: true as const,
    legalComments: "eof",
    logLevel: "warning",
  } satisfies BuildOptions;
  // The layout worker first (a classic script, for every browser's Worker), then the page's
  // bundle, which is told the worker's hashed name.
  const worker = await build({ ...common, entryPoints: [path.join(WEB, "src", "graph", "layout-worker.ts")], format: "iife" });
  const workerFile = Object.keys(worker.metafile.outputs)
    .map((file) => path.basename(file))
    .find((name) => name.endsWith(".js"));
  const result = await build({
    ...common,
    entryPoints: [path.join(WEB, "src", "main.tsx")],
    format: "esm",
    jsx: "automatic",
    jsxImportSource: "preact",
    define: { LAYOUT_WORKER_URL: JSON.stringify(`/assets/${workerFile}`) },
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
  const script = outputs.find((name) => name.endsWith(".js"));
  const style = outputs.find((name) => name.endsWith(".css"));
  if (!script || !style) throw new Error(`web build: expected a script and a stylesheet, got ${outputs.join(", ")}`);
  // No inline script or style: the page runs under a strict Content-Security-Policy (src/plugins/web.ts).
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lineage-registry</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/${style}">
<script type="module" src="/assets/${script}"></script>
</head>
<body>
<div id="app"></div>
</body>
</html>
`;
  writeFileSync(path.join(outdir, "index.html"), page);
  return { script, style };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  try {
    const { script, style } = await buildWeb();
    process.stdout.write(`web/dist: ${script}, ${style} (${Math.round(performance.now() - started)} ms)\n`);
  } catch (error) {
    // npm start rebuilds first; on a read-only install the bundle built by npm ci still serves.
    if (!existsSync(path.join(WEB, "dist", "index.html"))) throw error;
    process.stderr.write(`web/dist not rebuilt, serving the existing build: ${(error as Error).message.split("\n")[0]}\n`);
  }
}
