// The Worker's upload size against Cloudflare's limits, which apply to the bundle after gzip
// compression: 3 MB on the Workers free plan, 10 MB on the paid plan (counted here as MiB, as
// wrangler reports KiB). `npm run deploy:dry-run` prints it; worker/test/bundle.test.ts asserts it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const SIZE_LIMITS = { free: 3 * 2 ** 20, paid: 10 * 2 ** 20 };

/** Every file wrangler wrote to `dir` (a `deploy --dry-run --outdir`), raw and gzipped; source maps are not uploaded. */
export function measureBundle(dir) {
  const files = readdirSync(dir)
    .filter((f) => !f.endsWith('.map') && f !== 'README.md' && statSync(join(dir, f)).isFile())
    .map((name) => {
      const bytes = readFileSync(join(dir, name));
      return { name: name.replace(/^[0-9a-f]{40}-/, ''), bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    });
  return { files, bytes: files.reduce((a, f) => a + f.bytes, 0), gzip: files.reduce((a, f) => a + f.gzip, 0) };
}

const mib = (n) => `${(n / 2 ** 20).toFixed(2)} MiB`;

/** The size and whether each plan takes it, in words. */
export function describeBundle(m) {
  const verdict = (plan) => (m.gzip <= SIZE_LIMITS[plan] ? 'fits' : `does NOT fit (over by ${mib(m.gzip - SIZE_LIMITS[plan])})`);
  return [
    ...m.files.map((f) => `  ${f.name}: ${mib(f.bytes)}, gzip ${mib(f.gzip)}`),
    `Bundle: ${mib(m.bytes)}, ${mib(m.gzip)} compressed (gzip)`,
    `  Workers free plan (${mib(SIZE_LIMITS.free)} compressed): ${verdict('free')}`,
    `  Workers paid plan (${mib(SIZE_LIMITS.paid)} compressed): ${verdict('paid')}`,
  ].join('\n');
}
