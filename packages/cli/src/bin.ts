#!/usr/bin/env node
import { main } from './main.js';

const code = await main(process.argv.slice(2));
// process.exit drops what a pipe has not taken yet (a long `jlt validate` report piped to a file lost
// everything past 64 KiB), so wait until stdout and stderr have flushed; an empty write's callback
// runs after every earlier write.
await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))));
// Exit explicitly: a run is over when main returns, even if a dependency left a socket open.
process.exit(code);
