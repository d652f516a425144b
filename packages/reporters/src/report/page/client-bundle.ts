import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface ClientAssets {
  /** The page script: client/main with uPlot, one minified IIFE. */
  script: string;
  /** uPlot's stylesheet. */
  uplotCss: string;
}

let assets: Promise<ClientAssets> | undefined;

/**
 * Bundles the page's browser code (client/, TypeScript from source or the compiled JavaScript
 * beside this module in dist) together with uPlot from npm into one script, once per process.
 * Reports inline it, so a page needs nothing from the network or the disk when it opens.
 */
export function clientAssets(): Promise<ClientAssets> {
  assets ??= bundle().catch((error: unknown) => {
    assets = undefined;
    throw error;
  });
  return assets;
}

async function bundle(): Promise<ClientAssets> {
  const here = fileURLToPath(import.meta.url);
  const entry = fileURLToPath(new URL(`./client/main${extname(here)}`, import.meta.url));
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome110',
    minify: true,
    write: false,
    legalComments: 'inline',
    logLevel: 'silent',
  });
  const script = result.outputFiles[0]?.text;
  if (script === undefined) throw new Error('bundling the report page script produced no output');
  const require = createRequire(import.meta.url);
  const uplotCss = await readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  return { script, uplotCss };
}
