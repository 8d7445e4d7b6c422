#!/usr/bin/python3
"""
Reference results for the public conformance suites under core/test/fixtures/conformance/
(PngSuite, libjpeg-turbo's testimages, a set of Pillow's Tests/images JPEGs; ATTRIBUTION.md),
computed by programs that are not ours, for core/test/conformance.test.ts. Dev-only: the test
reads the committed conformance.json.gz and needs neither Python nor djpeg.

    /usr/bin/python3 tools/references/make_conformance.py

- JPEG: libjpeg-turbo's `djpeg -dct int -nosmooth` (integer IDCT, box chroma upsampling: the
  upsampling core's decoder does), then Pillow's convert("L") (BT.601, PIL's fixed point, as
  core's luma), then the EXIF orientation applied with Image.transpose.
- PNG: Pillow's decode; 16-bit samples keep their high byte (libpng's strip_16, what core and
  browsers show); transparency composited over white with core's integer rule (checked against
  Pillow's alpha_composite by make_fixtures.py); no gamma (gAMA) correction, as Pillow.
- Every file a program refuses (or PngSuite names x*) gets the ImageError code the contract gives
  it (EXPECTED_ERRORS: why each).

`generated/`: gray and palette PNGs of 1, 2 and 4 bits at odd sizes (rows that do not fill whole
bytes), plain and Adam7-interlaced, written here by a small encoder (PngSuite's are 32 wide) and
decoded by Pillow like the rest.

Each valid image is stored as its size and its gray pixels; an image over MAX_STORED pixels keeps
every k-th row only (`row_step`), so the file stays small.
"""
import base64
import gzip
import json
import os
import subprocess
import sys
from io import BytesIO

import struct
import zlib

import numpy as np
from PIL import Image

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'core', 'test', 'fixtures', 'conformance')
MAX_STORED = 32768

# The contract's code for every file that is not a decodable image, and why.
EXPECTED_ERRORS = {
    'libjpeg-turbo/monkey12.jpg': ('unsupported_media_type', '12-bit samples'),
    'libjpeg-turbo/testimgari.jpg': ('unsupported_media_type', 'arithmetic coding'),
    'pillow/pil_sample_cmyk.jpg': ('unsupported_media_type', 'CMYK'),
    'pillow/truncated_jpeg.jpg': ('corrupt_image', 'the file ends inside the scan (djpeg: premature end)'),
    # PngSuite's x* files: the signature damaged (not identifiable as PNG), or the content.
    'pngsuite/xs1n0g01.png': ('unsupported_media_type', 'signature byte 1 MSB reset'),
    'pngsuite/xs2n0g01.png': ('unsupported_media_type', 'signature byte 2 is a Q'),
    'pngsuite/xs4n0g01.png': ('unsupported_media_type', 'signature byte 4 lower case'),
    'pngsuite/xs7n0g01.png': ('unsupported_media_type', 'signature byte 7 a space'),
    'pngsuite/xcrn0g04.png': ('unsupported_media_type', 'signature mangled by CR insertion'),
    'pngsuite/xlfn0g04.png': ('unsupported_media_type', 'signature mangled by LF conversion'),
    'pngsuite/xc1n0g08.png': ('corrupt_image', 'colour type 1'),
    'pngsuite/xc9n2c08.png': ('corrupt_image', 'colour type 9'),
    'pngsuite/xd0n2c08.png': ('corrupt_image', 'bit depth 0'),
    'pngsuite/xd3n2c08.png': ('corrupt_image', 'bit depth 3'),
    'pngsuite/xd9n2c08.png': ('corrupt_image', 'bit depth 99'),
    'pngsuite/xdtn0g01.png': ('corrupt_image', 'no IDAT'),
    'pngsuite/xhdn0g08.png': ('corrupt_image', 'bad IHDR CRC'),
    'pngsuite/xcsn0g01.png': ('corrupt_image', 'bad IDAT CRC'),
}


def luma_over_white(rgba):
    """core's luma: each channel composited over white with integer rounding, then PIL's BT.601."""
    a = rgba[..., 3:4].astype(np.int64)
    rgb = rgba[..., :3].astype(np.int64)
    t = (255 - a) * 255
    comp = np.where(a == 255, rgb, np.floor((rgb * a + t) / 255 + 0.5).astype(np.int64))
    return ((comp[..., 0] * 19595 + comp[..., 1] * 38470 + comp[..., 2] * 7471 + 0x8000) >> 16).astype(np.uint8)


def png_gray(path):
    im = Image.open(path)
    im.load()
    if im.mode in ('I', 'I;16', 'I;16B'):
        g = (np.asarray(im).astype(np.int64) >> 8).astype(np.uint8)
        key = im.info.get('transparency')
        alpha = np.where(np.asarray(im).astype(np.int64) == key, 0, 255) if isinstance(key, int) else np.full(g.shape, 255)
        rgba = np.dstack([g, g, g, alpha]).astype(np.uint8)
    elif im.mode == 'RGB' and isinstance(im.info.get('transparency'), tuple) and depth(path) == 16:
        # Pillow keeps the 16-bit key but gives 8-bit samples: compare high bytes (PngSuite's keys
        # differ from every other colour there already).
        key = np.array([v >> 8 for v in im.info['transparency']])
        rgb = np.asarray(im)
        alpha = np.where((rgb == key).all(axis=-1), 0, 255)
        rgba = np.dstack([rgb, alpha]).astype(np.uint8)
    else:
        rgba = np.asarray(im.convert('RGBA'))
    return luma_over_white(rgba)


def depth(path):
    with open(path, 'rb') as f:
        return f.read()[24]


def orientation(path):
    try:
        return Image.open(path).getexif().get(0x0112, 1) or 1
    except Exception:
        return 1  # EXIF that Pillow cannot parse: no orientation (core reads none either)


TRANSPOSE = {2: [Image.FLIP_LEFT_RIGHT], 3: [Image.ROTATE_180], 4: [Image.FLIP_TOP_BOTTOM], 5: [Image.TRANSPOSE],
             6: [Image.ROTATE_270], 7: [Image.TRANSVERSE], 8: [Image.ROTATE_90]}


def jpeg_gray(path):
    run = subprocess.run(['djpeg', '-dct', 'int', '-nosmooth', path], capture_output=True)
    if run.returncode not in (0, 2):  # 2: decoded with warnings (damaged data libjpeg recovers from)
        sys.exit(f'djpeg failed on {path}: {run.stderr.decode()}')
    ppm = run.stdout
    im = Image.open(BytesIO(ppm)).convert('L')
    for t in TRANSPOSE.get(orientation(path), []):
        im = im.transpose(t)
    return np.asarray(im)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))


def write_low_bit_png(path, w, h, depth, ctype, interlace):
    """Samples of `depth` bits packed MSB first, each row padded to a whole byte, filter 0."""
    levels = 1 << depth
    sample = lambda x, y: (x * 7 + y * 3 + (x * y) // 5) % levels
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    raw = bytearray()
    for x0, y0, dx, dy in passes:
        xs = list(range(x0, w, dx))
        for y in range(y0, h, dy):
            if not xs:
                continue
            bits = ''.join(format(sample(x, y), f'0{depth}b') for x in xs)
            bits += '0' * (-len(bits) % 8)
            raw += b'\0' + bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))
    body = chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, depth, ctype, 0, 0, interlace))
    if ctype == 3:
        body += chunk(b'PLTE', bytes((i * 71 + k * 50) % 256 for i in range(levels) for k in range(3)))
    body += chunk(b'IDAT', zlib.compress(bytes(raw))) + chunk(b'IEND', b'')
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + body)


def generate():
    os.makedirs(os.path.join(ROOT, 'generated'), exist_ok=True)
    for depth in (1, 2, 4):
        for ctype, kind in ((0, 'gray'), (3, 'palette')):
            for w, h in ((13, 11), (7, 5), (3, 9)):
                for interlace in (0, 1):
                    name = f'{kind}{depth}-{w}x{h}{"-adam7" if interlace else ""}.png'
                    write_low_bit_png(os.path.join(ROOT, 'generated', name), w, h, depth, ctype, interlace)


def main():
    generate()
    out = {}
    for sub in ('pngsuite', 'libjpeg-turbo', 'pillow', 'generated'):
        for name in sorted(os.listdir(os.path.join(ROOT, sub))):
            if not name.endswith(('.png', '.jpg')):
                continue
            key = f'{sub}/{name}'
            path = os.path.join(ROOT, sub, name)
            if key in EXPECTED_ERRORS:
                code, why = EXPECTED_ERRORS[key]
                out[key] = {'error': code, 'why': why}
                continue
            if name.startswith('x') and sub == 'pngsuite':
                sys.exit(f'{key}: an invalid PngSuite file without an expected error')
            gray = png_gray(path) if name.endswith('.png') else jpeg_gray(path)
            h, w = gray.shape
            step = 1
            while (h + step - 1) // step * w > MAX_STORED:
                step += 1
            rows = gray[::step]
            out[key] = {'width': w, 'height': h, 'row_step': step,
                        'gray': base64.b64encode(rows.astype(np.uint8).tobytes()).decode()}
    data = json.dumps(out, indent=0, sort_keys=True).encode()
    with gzip.GzipFile(os.path.join(ROOT, 'conformance.json.gz'), 'wb', mtime=0) as f:
        f.write(data)
    print(f'{len(out)} files, {sum("error" in v for v in out.values())} refusals')


if __name__ == '__main__':
    main()
