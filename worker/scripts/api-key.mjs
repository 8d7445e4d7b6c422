// `npm run api-key -w worker`: a new random API key (32 bytes, base64url) and its SHA-256 hex
// digest. The Worker stores only digests: add this one to the API_KEYS secret (comma-separated).
// The key is printed once, here; give it to the client and keep it nowhere else.
import { webcrypto as crypto } from 'node:crypto';

const bytes = crypto.getRandomValues(new Uint8Array(32));
const key = Buffer.from(bytes).toString('base64url');
const digest = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key))).toString('hex');

console.log(`API key (give it to the client; it is not stored anywhere):
  ${key}

SHA-256 digest (what the Worker keeps):
  ${digest}

Deployed: add the digest to the API_KEYS secret, comma-separated after the digests already there,
and require keys with REQUIRE_API_KEY = "true" in wrangler.toml's [vars]:
  npx wrangler secret put API_KEYS      and paste  <digests already there>,${digest}

Locally (npm start): put these two lines in .dev.vars at the repo root (git-ignored; wrangler dev
reads it in every environment, [env.local] included, where wrangler.toml's top-level [vars] do not apply):
  API_KEYS=${digest}
  REQUIRE_API_KEY=true
or keep only the API_KEYS line and start with \`npm start -- --require-key\`.

Call with it:
  curl -s http://127.0.0.1:8787/classify -H 'Authorization: Bearer ${key}' -F image=@face.jpg`);
