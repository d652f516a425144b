/**
 * playwright-core for benchmarks. It is a dependency of @jlt/agents, not of the workspace root, so
 * it is resolved from the agents package (bench/ and dist/ both sit one level below the root).
 */
import { createRequire } from 'node:module';
import type * as Playwright from '../packages/agents/node_modules/playwright-core/index.js';

export type { Browser, BrowserContext, CDPSession, Page } from '../packages/agents/node_modules/playwright-core/index.js';

const require = createRequire(new URL('../packages/agents/package.json', import.meta.url));
export const { chromium } = require('playwright-core') as typeof Playwright;
