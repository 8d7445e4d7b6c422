// A process of its own that builds the fixture (for harness.test.ts): prints the bundle it got.
import { buildWorker } from '../src/index.ts';

const [config, env] = process.argv.slice(2);
console.log(JSON.stringify(await buildWorker(String(config), env ?? 'test')));
