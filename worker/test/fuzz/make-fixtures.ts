/**
 * Makes the committed JPEG/PNG fixtures that jpeg-js' encoder cannot write (progressive, restart
 * markers, CMYK, chroma subsampling, arithmetic coding, ImageMagick PNGs with ancillary chunks).
 * Run once by hand; needs Debian's libjpeg-turbo-progs and imagemagick (apt-get install):
 *   node --import tsx worker/test/fuzz/make-fixtures.ts
 * The source is a 64x48 crop of a shared photo, so every fixture is a few KB.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jpeg from 'jpeg-js';
import { photo } from '../images.ts';

const OUT = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'fuzz-fixtures-'));

// A 64x48 face crop of happy.jpg (500x282), box-filtered down from 192x144.
const src = jpeg.decode(photo('happy.jpg'), { useTArray: true });
const [W, H, X0, Y0, S] = [64, 48, 150, 40, 3];
const rgb = Buffer.alloc(W * H * 3);
for (let y = 0; y < H; y++)
  for (let x = 0; x < W; x++)
    for (let c = 0; c < 3; c++) {
      let acc = 0;
      for (let dy = 0; dy < S; dy++)
        for (let dx = 0; dx < S; dx++) acc += src.data[((Y0 + y * S + dy) * src.width + X0 + x * S + dx) * 4 + c];
      rgb[(y * W + x) * 3 + c] = Math.round(acc / (S * S));
    }
const ppm = join(tmp, 'face.ppm');
writeFileSync(ppm, Buffer.concat([Buffer.from(`P6\n${W} ${H}\n255\n`), rgb]));

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}
const cjpeg = (name: string, ...args: string[]) => run('cjpeg', [...args, '-outfile', join(OUT, name), ppm]);
/** ImageMagick, writing `name` (with an optional "PNG8:"-style prefix) into the fixtures. */
const magick = (name: string, ...args: string[]) => {
  const [prefix, file] = name.includes(':') ? name.split(':') : ['', name];
  run('/usr/bin/convert', [ppm, ...args, (prefix ? `${prefix}:` : '') + join(OUT, file)]);
};

cjpeg('progressive.jpg', '-progressive', '-quality', '85');
cjpeg('progressive-gray.jpg', '-progressive', '-grayscale');
cjpeg('progressive-restart.jpg', '-progressive', '-restart', '1');
cjpeg('restart-every-mcu.jpg', '-restart', '1B');
cjpeg('sample-422.jpg', '-sample', '2x1');
cjpeg('sample-411.jpg', '-sample', '4x1');
cjpeg('sample-odd.jpg', '-sample', '1x2,2x1,1x1');
cjpeg('rgb-no-transform.jpg', '-rgb');
cjpeg('optimized-huffman.jpg', '-optimize', '-quality', '95');
cjpeg('arithmetic.jpg', '-arithmetic');
magick('cmyk.jpg', '-colorspace', 'CMYK', '-quality', '85');
magick('cmyk-progressive.jpg', '-colorspace', 'CMYK', '-interlace', 'JPEG');
magick('PNG8:im-palette-trns.png', '-fuzz', '25%', '-transparent', '#f0f0f0');
magick(
  'im-gray-alpha-16-interlaced.png',
  '-colorspace',
  'Gray',
  '-alpha',
  'set',
  '-channel',
  'A',
  '-evaluate',
  'set',
  '60%',
  '+channel',
  '-depth',
  '16',
  '-interlace',
  'PNG',
  '-define',
  'png:color-type=4',
  '-define',
  'png:bit-depth=16',
);
magick('PNG64:im-rgba64-text.png', '-alpha', 'set', '-set', 'comment', 'fuzz seed');
rmSync(tmp, { recursive: true, force: true });

for (const f of readdirSync(OUT).sort()) {
  const size = statSync(join(OUT, f)).size;
  if (size > 50 * 1024) throw new Error(`${f} is ${size} bytes: fixtures stay under 50 KB`);
  console.log(f.padEnd(36), size);
}
