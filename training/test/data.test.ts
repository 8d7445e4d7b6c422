import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLASSES, INPUT_PIXELS } from '@emotion/core/classes';
import { tempDir } from '@emotion/core/testing/temp-dir';
import jpeg from 'jpeg-js';
import UPNG from 'upng-js';
import { DataError, loadSplit } from '../src/data.ts';
import { FER, needsShared } from './helpers.ts';

function grayRgba(w: number, h: number, v: number): Uint8Array {
  const px = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) px.set([v, v, v, 255], i * 4);
  return px;
}

function makeFolderDataset(): string {
  const root = tempDir('fer-folder-');
  CLASSES.forEach((c, k) => {
    for (const split of ['train', 'test']) {
      mkdirSync(join(root, split, c), { recursive: true });
      const v = 20 + k * 30;
      writeFileSync(join(root, split, c, 'a.jpg'), jpeg.encode({ width: 48, height: 48, data: grayRgba(48, 48, v) }, 95).data);
      writeFileSync(join(root, split, c, 'b.png'), new Uint8Array(UPNG.encode([grayRgba(96, 96, v).buffer as ArrayBuffer], 96, 96, 0)));
    }
  });
  return root;
}

function csvRow(label: number, value: number, usage: string): string {
  return `${label},${new Array(INPUT_PIXELS).fill(value).join(' ')},${usage}`;
}

describe('FER2013 loaders', () => {
  it('reads the image-folder layout (JPEG and PNG, any size) with class labels in folder order', () => {
    const root = makeFolderDataset();
    const train = loadSplit(root, 'train');
    assert.equal(train.n, 14);
    assert.deepEqual([...train.labels], [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
    // A 96x96 PNG is area-resized to 48x48; a flat image stays flat.
    const png = train.images.subarray(1 * INPUT_PIXELS, 2 * INPUT_PIXELS);
    assert.ok(
      png.every((v) => v === 20),
      'flat 96x96 PNG resizes to the same flat value',
    );
    assert.ok(Math.abs(train.images[3 * INPUT_PIXELS] - 50) <= 2, 'JPEG decoded near its value');
    assert.equal(loadSplit(root, 'val').n, 14);
  });

  it('reads fer2013.csv, mapping its label numbers into the model class order', () => {
    const dir = tempDir('fer-csv-');
    const file = join(dir, 'fer2013.csv');
    // CSV labels: 4 sad, 6 neutral, 3 happy
    writeFileSync(
      file,
      [
        'emotion,pixels,Usage',
        csvRow(4, 10, 'Training'),
        csvRow(6, 20, 'Training'),
        csvRow(3, 30, 'PublicTest'),
        csvRow(0, 40, 'PrivateTest'),
      ].join('\n'),
    );
    const train = loadSplit(file, 'train');
    assert.equal(train.n, 2);
    assert.deepEqual([...train.labels], [CLASSES.indexOf('sad'), CLASSES.indexOf('neutral')]);
    const val = loadSplit(file, 'val');
    assert.equal(val.n, 1);
    assert.equal(val.labels[0], CLASSES.indexOf('happy'));
    assert.equal(val.images[0], 30);
  });

  it('rejects malformed CSV rows with the line number', () => {
    const dir = tempDir('fer-bad-');
    const cases: [string, RegExp][] = [
      [['emotion,pixels,Usage', csvRow(1, 5, 'Training'), '9,1 2 3,Training'].join('\n'), /line 3: emotion must be 0-6/],
      [['emotion,pixels,Usage', '2,1 2 3,Training'].join('\n'), /line 2: expected 2304 pixels, got 3/],
      [['emotion,pixels,Usage', '2,1 2 3'].join('\n'), /line 2: expected 3 fields, got 2/],
      [['label,px', '1,2'].join('\n'), /line 1: expected the header emotion,pixels,Usage/],
      [['emotion,pixels,Usage', csvRow(1, 300, 'Training')].join('\n'), /line 2: pixels must be integers 0-255/],
    ];
    cases.forEach(([text, re], i) => {
      const file = join(dir, `bad${i}.csv`);
      writeFileSync(file, text);
      assert.throws(
        () => loadSplit(file, 'train'),
        (e: Error) => e instanceof DataError && re.test(e.message) && e.message.includes(file),
      );
    });
  });

  it('names a missing folder and an unreadable image', () => {
    assert.throws(() => loadSplit('/nonexistent/fer', 'train'), /Data not found: \/nonexistent\/fer/);
    const root = makeFolderDataset();
    const bad = join(root, 'train', 'fear', 'broken.jpg');
    writeFileSync(bad, Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3]));
    assert.throws(
      () => loadSplit(root, 'train'),
      (e: Error) => e.message.includes(bad),
    );
    const stray = makeFolderDataset();
    mkdirSync(join(stray, 'train', 'contempt'));
    assert.throws(() => loadSplit(stray, 'train'), /unknown class folder\(s\) contempt/);
  });

  it('loads the real FER2013 folders', { skip: needsShared() }, () => {
    const val = loadSplit(FER, 'val', 70);
    assert.equal(val.n, 70);
    assert.equal(new Set(val.labels).size, 7, 'an evenly spaced sample covers every class');
  });
});
