#!/usr/bin/env node
import { main } from './main.js';
// Exit explicitly: a run is over when main returns, even if a dependency left a socket open.
process.exit(await main(process.argv.slice(2)));
