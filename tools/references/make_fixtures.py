#!/usr/bin/python3
"""
Independent reference values for core's preprocessing (../shared/MODEL.md), computed with Pillow
(libjpeg-turbo's decoder, Pillow's own luma, EXIF transpose, alpha compositing and resampling), none
of it our code. Writes the made-up input images and core/test/fixtures/preprocess/reference.json,
which core/test/preprocess-reference.test.ts compares core's entry points against.

Dev-only; the test reads the committed outputs and needs no Python. Run from the repository root
with Debian's Python (the pyenv `python3` on PATH has no PIL):

    /usr/bin/python3 tools/references/make_fixtures.py [path/to/shared/photos]

What each part computes:
- luma: Image.convert("L") of RGB pixels (ITU-R BT.601, PIL's fixed-point rounding).
- alpha: Image.alpha_composite over opaque white, then convert("L").
- orientation: ImageOps.exif_transpose of one JPEG written with each EXIF orientation 1..8.
- crop + resize: the exact area average to 48x48, done by Pillow as a NEAREST enlargement by an
  integer factor followed by an integer-factor BOX reduction, per axis. (Pillow's BOX filter at a
  non-integer scale gives each source pixel weight 1 or 0 by where its centre falls; the contract's
  area averaging, and ours, weights a pixel by the fraction of it the output pixel covers. The
  enlarge-then-reduce route is that exact coverage, so the comparison can be tight.)
- crop geometry: the face crop rule of core/src/faces/crop.ts written again here from its comment
  (a square of factor * max(w, h) centred on the box, moved inside the image, clipped when larger).
- normalization: (p / 255 - 0.5) / 0.5.
- photos: libjpeg-turbo's decode of ../shared/photos JPEGs, whole (fancy upsampling, as Pillow
  does) and at DCT scale 1/2, 1/4, 1/8 (Image.draft: libjpeg's scaled IDCT, gray straight from Y),
  the shrink-on-load reads core's JPEG decoder makes.
"""
import base64
import json
import math
import os
import random
import struct
import sys
from io import BytesIO

import PIL
from PIL import Image, ImageOps

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'core', 'test', 'fixtures', 'preprocess')
PHOTOS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, '..', 'shared', 'photos')
SIZE = 48
CROP_FACTOR = 1.1  # core/src/faces/crop.ts DEFAULT_CROP_FACTOR

rng = random.Random(20)


def b64(img):
    return base64.b64encode(img.tobytes()).decode('ascii')


def floats(values):
    """Float32 little-endian, base64: exact and a third the size of decimal JSON."""
    return base64.b64encode(struct.pack(f'<{len(values)}f', *values)).decode('ascii')


def smooth_rgb(w, h, noise=20):
    """Colour gradients plus noise: every channel varies, so a wrong luma weight shows."""
    img = Image.new('RGB', (w, h))
    px = img.load()
    for y in range(h):
        for x in range(w):
            px[x, y] = (
                (x * 255 // max(1, w - 1) + rng.randrange(-noise, noise + 1)) % 256,
                (y * 255 // max(1, h - 1) + rng.randrange(-noise, noise + 1)) % 256,
                ((x + y) * 7 + rng.randrange(0, 2 * noise)) % 256,
            )
    return img


def js_round(v):
    """JavaScript's Math.round (half up), which core uses; Python's round() is half to even."""
    return math.floor(v + 0.5)


def face_crop(box, width, height, factor=CROP_FACTOR):
    side = max(1, js_round(max(box['w'], box['h']) * factor))

    def place(centre, extent):
        if side >= extent:
            return 0, extent
        start = js_round(centre - side / 2)
        return min(max(0, start), extent - side), side

    x, w = place(box['x'] + box['w'] / 2, width)
    y, h = place(box['y'] + box['h'] / 2, height)
    return {'x': x, 'y': y, 'w': w, 'h': h}


def area_resize(gray, box, size=SIZE):
    """Exact area average of the whole-pixel box of a mode-L image to size x size, as floats."""
    x, y, w, h = box['x'], box['y'], box['w'], box['h']
    # Shrinking only: enlarging, core interpolates linearly (a box would be blocky), a different rule.
    assert w >= size and h >= size, box
    img = gray.crop((x, y, x + w, y + h)).convert('F')
    kx = size // math.gcd(w, size)  # w * kx is a multiple of size
    ky = size // math.gcd(h, size)
    img = img.resize((w * kx, h), Image.NEAREST).reduce((w * kx // size, 1))
    img = img.resize((size, h * ky), Image.NEAREST).reduce((1, h * ky // size))
    assert img.size == (size, size)
    return list(img.getdata())


def normalize(values):
    return [(v / 255 - 0.5) / 0.5 for v in values]


def write(name, img, **kw):
    path = os.path.join(OUT, name)
    img.save(path, **kw)
    return name


def main():
    os.makedirs(OUT, exist_ok=True)
    ref = {'generator': 'tools/references/make_fixtures.py', 'pillow': PIL.__version__}

    # Luma of opaque RGB (a PNG: lossless, so only the conversion is compared).
    rgb = smooth_rgb(40, 30)
    ref['luma'] = {'file': write('luma.png', rgb), 'width': 40, 'height': 30, 'gray': b64(rgb.convert('L'))}

    # Alpha over white: every alpha value from 0 to 255 appears.
    rgba = smooth_rgb(32, 16).convert('RGBA')
    rgba.putalpha(Image.frombytes('L', (32, 16), bytes(range(256)) * 2))
    over = Image.alpha_composite(Image.new('RGBA', rgba.size, (255, 255, 255, 255)), rgba)
    ref['alpha'] = {'file': write('alpha.png', rgba), 'width': 32, 'height': 16, 'gray': b64(over.convert('L'))}

    # EXIF orientations 1..8 of one asymmetric 24x16 JPEG (4:4:4, so chroma upsampling plays no part).
    base = Image.new('RGB', (24, 16), (40, 40, 40))
    base.paste((230, 230, 230), (0, 0, 12, 8))  # bright top-left quarter
    base.paste((120, 20, 20), (16, 8, 24, 16))  # dark red bottom-right block
    base.paste((20, 200, 60), (0, 8, 4, 16))  # green bottom-left strip
    ref['orientation'] = []
    for o in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = o
        name = write(f'orient-{o}.jpg', base, quality=95, subsampling=0, exif=exif.tobytes())
        upright = ImageOps.exif_transpose(Image.open(os.path.join(OUT, name))).convert('L')
        ref['orientation'].append({'file': name, 'orientation': o, 'width': upright.width, 'height': upright.height, 'gray': b64(upright)})

    # Crop + area-averaging resize + normalization, on a lossless made-up scene.
    scene = smooth_rgb(300, 200, noise=3)  # little noise: a small PNG, still no flat region
    write('scene.png', scene)
    gray = scene.convert('L')
    boxes = [
        ('whole image (scales 6.25 and 4.17)', {'x': 0, 'y': 0, 'w': 300, 'h': 200}),
        ('96x96 at (17, 9): scale 2', {'x': 17, 'y': 9, 'w': 96, 'h': 96}),
        ('137x101 at (50, 20): non-integer scales', {'x': 50, 'y': 20, 'w': 137, 'h': 101}),
        ('49x200 strip at the right edge', {'x': 251, 'y': 0, 'w': 49, 'h': 200}),
    ]
    ref['resize'] = {'file': 'scene.png', 'width': 300, 'height': 200, 'cases': [
        {'name': n, 'box': b, 'input': floats(normalize(area_resize(gray, b)))} for n, b in boxes
    ]}
    detections = [
        {'x': 100, 'y': 50, 'w': 80, 'h': 90},  # inside: 99x99 square centred
        {'x': 5, 'y': 3, 'w': 60, 'h': 50},  # near the corner: moved inside
        {'x': 250, 'y': 150, 'w': 45, 'h': 45},  # near the far corner
        {'x': 10, 'y': 0, 'w': 200, 'h': 190},  # square larger than the height: clipped to it
        {'x': 0, 'y': 0, 'w': 300, 'h': 200},  # larger than both sides
    ]
    ref['face_crop'] = {'width': 300, 'height': 200, 'factor': CROP_FACTOR, 'cases': [{'box': d, 'crop': face_crop(d, 300, 200)} for d in detections]}
    # One detection through the whole chain: crop rule, area resize, normalization.
    ref['face_crop']['input'] = {'box': detections[0], 'input': floats(normalize(area_resize(gray, face_crop(detections[0], 300, 200))))}

    # Photos: libjpeg-turbo's decode, whole and at DCT scales (shrink-on-load), of a face-sized crop.
    ref['photos'] = []
    for name, crop, scales in [('bbt1.jpg', {'x': 480, 'y': 48, 'w': 400, 'h': 400}, (2, 4, 8)), ('happy.jpg', {'x': 160, 'y': 16, 'w': 200, 'h': 200}, ())]:
        path = os.path.join(PHOTOS, name)
        if not os.path.exists(path):
            sys.exit(f'missing {path}: pass the shared photos folder')
        whole = ImageOps.exif_transpose(Image.open(path)).convert('L')
        entry = {'file': name, 'width': whole.width, 'height': whole.height, 'crop': crop,
                 'full': floats(normalize(area_resize(whole, crop))), 'scaled': []}
        for d in scales:
            im = Image.open(path)
            im.draft("L", (im.width // d, im.height // d))  # draft picks the largest 1/d whose size is at least this
            assert im.size == (math.ceil(whole.width / d), math.ceil(whole.height / d)), (name, d, im.size)
            im = im.convert('L')
            # The crop in the scaled image's pixels (whole pixels: every crop here is a multiple of 8).
            assert all(v % 8 == 0 for v in crop.values())
            c = {k: v // d for k, v in crop.items()}
            entry['scaled'].append({'denominator': d, 'input': floats(normalize(area_resize(im, c)))})
        ref['photos'].append(entry)

    with open(os.path.join(OUT, 'reference.json'), 'w') as f:
        json.dump(ref, f, separators=(',', ':'))
        f.write('\n')
    print('wrote', OUT, sorted(os.listdir(OUT)))


if __name__ == '__main__':
    main()
