// Component tests in Debian's Chromium (nothing downloads a browser): `npm run test:browser`.
// TypeScript is served through esbuild; CommonJS packages (tweetnacl, url-parse) are
// bundled to ES modules on the fly, as the app's own esbuild build does.
import { join } from 'node:path';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { build } from 'esbuild';
import { jsonCountsReporter } from './scripts/wtr-json-reporter.js';

// The same flags as test/browser/harness.ts; puppeteer adds --headless itself.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
/** A package file with no import/export that uses require or exports is CommonJS. */
const isCommonJs = (path, body) =>
  path.startsWith('/node_modules/') &&
  /\.c?js$/.test(path) &&
  !/^\s*(import|export)\b/m.test(body) &&
  /\b(require\(|module\.exports|exports\.\w+\s*=)/.test(body);

// The browser cannot load CommonJS; esbuild bundles such a file (and what it requires) into
// one ES module with a default export, as `import nacl from 'tweetnacl'` expects.
const commonJsAsModules = {
  name: 'commonjs-as-modules',
  async transform(context) {
    if (typeof context.body !== 'string' || !isCommonJs(context.path, context.body)) return undefined;
    const result = await build({
      entryPoints: [join(import.meta.dirname, context.path)],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    return { body: result.outputFiles[0].text };
  },
};

// eslint-disable-next-line no-restricted-syntax -- web-test-runner reads the default export
export default {
  rootDir: import.meta.dirname,
  files: ['client/**/*.browser.test.ts'],
  nodeResolve: { browser: true },
  // Two shared cores: one page at a time.
  concurrency: 1,
  browserStartTimeout: 60_000,
  testsStartTimeout: 60_000,
  testsFinishTimeout: 300_000,
  testFramework: { config: { timeout: 60_000 } },
  browsers: [
    chromeLauncher({ launchOptions: { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS } }),
  ],
  plugins: [commonJsAsModules, esbuildPlugin({ ts: true, target: 'es2022' })],
  reporters: [defaultReporter(), jsonCountsReporter({ outputFile: '.tmp/wtr-results.json' })],
};
