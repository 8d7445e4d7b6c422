/**
 * A PNG's eXIf orientation, as Chromium shows it: each PNG is rendered by headless Chromium (an
 * <img> drawn on a canvas, its pixels read back through --dump-dom) and core's two paths must give
 * the same upright size and pixels. Found this way: Chromium honours an eXIf chunk before the
 * image data (every orientation 1-8) and ignores one after it, and ignores an XMP orientation.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pako from 'pako';
import { decodeGray } from '../src/decode.ts';
import { openImage } from '../src/image-source.ts';
import { rgbaToGray } from '../src/pixels.ts';
import { concat, ihdr, PNG_SIGNATURE, pngChunk } from '../testing/images.ts';
import { CHROMIUM, chromiumSkip } from '../testing/tools.ts';
import { GENEROUS_LIMITS } from './jpeg-fixtures.ts';

const W = 12;
const H = 8;

/** EXIF as a PNG eXIf chunk holds it: a little-endian TIFF header and one IFD entry, Orientation. */
function exif(orientation: number): Uint8Array {
  return new Uint8Array([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, orientation, 0, 0, 0, 0, 0, 0, 0]);
}

/** An iTXt chunk of XMP saying tiff:Orientation 6. */
const XMP_6 = pngChunk(
  'iTXt',
  new TextEncoder().encode(
    'XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="6"/></rdf:RDF></x:xmpmeta>',
  ),
);

/** An RGB PNG whose every pixel differs (so any turn or flip shows), with eXIf before or after IDAT. */
function png(orientation: number | null, where: 'before' | 'after', extra: Uint8Array[] = []): Uint8Array {
  const raw = new Uint8Array(H * (1 + W * 3));
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) raw.set([x * 20, y * 30, 200 - x * 10 - y * 5], y * (1 + W * 3) + 1 + x * 3);
  }
  const ex = orientation === null ? [] : [pngChunk('eXIf', exif(orientation))];
  const idat = pngChunk('IDAT', pako.deflate(raw));
  const middle = where === 'before' ? [...ex, idat] : [idat, ...ex];
  return concat(PNG_SIGNATURE, ihdr(W, H, 8, 2), ...extra, ...middle, pngChunk('IEND', new Uint8Array(0)));
}

/** What Chromium shows of each PNG: its natural size and RGBA pixels. */
function chromiumRgba(pngs: Uint8Array[]): { width: number; height: number; rgba: Uint8Array }[] {
  const dir = mkdtempSync(join(tmpdir(), 'png-exif-'));
  try {
    const srcs = JSON.stringify(pngs.map((p) => `data:image/png;base64,${Buffer.from(p).toString('base64')}`));
    const page = `<html><body><script>
      const out = [];
      Promise.all(${srcs}.map((src) => new Promise((ok) => { const i = new Image(); i.onload = () => ok(i); i.src = src; }))).then((imgs) => {
        for (const i of imgs) {
          const c = document.createElement('canvas');
          c.width = i.naturalWidth; c.height = i.naturalHeight;
          const g = c.getContext('2d'); g.drawImage(i, 0, 0);
          out.push([i.naturalWidth, i.naturalHeight, Array.from(g.getImageData(0, 0, c.width, c.height).data)]);
        }
        const pre = document.createElement('pre'); pre.id = 'out'; pre.textContent = JSON.stringify(out); document.body.append(pre);
      });
    </script></body></html>`;
    writeFileSync(join(dir, 'page.html'), page);
    const dom = execFileSync(
      CHROMIUM,
      ['--headless', '--no-sandbox', '--disable-gpu', '--virtual-time-budget=5000', '--dump-dom', `file://${join(dir, 'page.html')}`],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 },
    );
    const json = /<pre id="out">(.*)<\/pre>/s.exec(dom)?.[1];
    assert.ok(json, 'Chromium rendered the page');
    return (JSON.parse(json) as [number, number, number[]][]).map(([width, height, px]) => ({ width, height, rgba: Uint8Array.from(px) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('eXIf orientation as Chromium shows it: every orientation before IDAT, none after, no XMP', { skip: chromiumSkip() }, () => {
  const cases: [string, Uint8Array][] = [
    ['no eXIf', png(null, 'before')],
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((o): [string, Uint8Array] => [`eXIf ${o} before IDAT`, png(o, 'before')]),
    ['eXIf 6 after IDAT', png(6, 'after')],
    ['XMP orientation 6', png(null, 'before', [XMP_6])],
  ];
  const shown = chromiumRgba(cases.map(([, p]) => p));
  for (const [i, [name, bytes]] of cases.entries()) {
    const c = shown[i];
    const want = rgbaToGray(c.rgba, c.width, c.height).data;
    const whole = decodeGray(bytes);
    assert.deepEqual([whole.width, whole.height], [c.width, c.height], `${name}: decodeGray's size`);
    assert.deepEqual(whole.data, want, `${name}: decodeGray's pixels`);
    const read = openImage(bytes, GENEROUS_LIMITS).read({ denominator: 1, format: 'gray' });
    assert.deepEqual([read.width, read.height], [c.width, c.height], `${name}: openImage's size`);
    assert.deepEqual(read.data, want, `${name}: openImage's pixels`);
  }
  // The test can fail: Chromium turned the orientation-6 image (12x8 stored) upright.
  assert.deepEqual([shown[6].width, shown[6].height], [H, W]);
});

test('an eXIf chunk with a wrong CRC is dropped, as libpng drops an ancillary chunk', () => {
  const good = png(6, 'before');
  assert.deepEqual([decodeGray(good).width, decodeGray(good).height], [H, W], 'turned');
  const bad = good.slice();
  bad[33 + 8 + 20] ^= 1; // a byte of the eXIf data (after the signature and IHDR): its CRC no longer matches
  for (const img of [decodeGray(bad), openImage(bad, GENEROUS_LIMITS).read({ denominator: 1, format: 'gray' })]) {
    assert.deepEqual([img.width, img.height], [W, H], 'not turned');
  }
});
