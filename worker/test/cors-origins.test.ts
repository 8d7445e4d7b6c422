/**
 * Which origins get a CORS grant (src/cors.ts), as pure functions: "*" never with credentials; a
 * configured list grants credentials to exactly those origins and to nothing that merely looks like
 * one. cors.test.ts checks the same configuration end to end in workerd.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { corsHeaders, parseAllowedOrigins } from '../src/cors.ts';

test('"*" (the default, also for an empty or missing setting): any origin, never credentials', () => {
  for (const setting of [undefined, '', '*', ' * ', 'https://a.example, *']) {
    const allowed = parseAllowedOrigins(setting);
    assert.equal(allowed, '*', `setting ${JSON.stringify(setting)}`);
    for (const origin of ['https://evil.example', 'null', null]) {
      const h = corsHeaders(origin, allowed);
      assert.equal(h['access-control-allow-origin'], '*');
      assert.equal(h['access-control-allow-credentials'], undefined);
    }
  }
});

test('a list: exactly those origins, echoed, with credentials and Vary: Origin', () => {
  const allowed = parseAllowedOrigins(' https://app.example , https://admin.example/ ');
  for (const origin of ['https://app.example', 'https://admin.example']) {
    assert.deepEqual(corsHeaders(origin, allowed), {
      vary: 'Origin',
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
    });
  }
});

test('a list: look-alikes, other schemes and ports, "null" and no Origin get no grant (but Vary: Origin)', () => {
  const allowed = parseAllowedOrigins('https://app.example');
  for (const origin of [
    'https://app.example.evil.example',
    'https://evilapp.example',
    'https://sub.app.example',
    'http://app.example',
    'https://app.example:8443',
    'https://APP.example',
    'https://app.example/',
    'null',
    '',
    null,
  ]) {
    assert.deepEqual(corsHeaders(origin, allowed), { vary: 'Origin' }, `origin ${JSON.stringify(origin)}`);
  }
});
