#!/usr/bin/python3
"""
Independent reference faces for core's face detection stage: the BlazeFace outputs decoded and
merged here from MediaPipe's documented definitions, none of it our code, so a change to the
anchors, the decoding, the NMS (its IoU threshold above all) or the final filtering shows up as a
difference (core/test/detection-reference.test.ts).

Dev-only; the test reads the committed outputs and needs no Python. Run from the repository root
(after `node --import tsx tools/references/detector-outputs.ts`, which writes the raw outputs):

    python3 tools/references/make_detection.py

Reads core/test/fixtures/detection/outputs.json, writes core/test/fixtures/detection/reference.json:
- photos: the faces of each photo's raw outputs.
- synthetic: made-up candidates (seeded) in clusters that overlap by IoU 0.2-0.95, some nested in
  others, and the faces they merge to, so NMS is pinned on more than nine photos' worth of overlaps.

What each part computes:
- anchors: MediaPipe's SsdAnchorsCalculator for the "back" model (num_layers 4, strides
  16, 32, 32, 32, anchor_offset 0.5, fixed_anchor_size, interpolated_scale_aspect_ratio 1.0):
  consecutive layers of one stride share a grid, 2 anchors per layer, so 16x16x2 then 8x8x6.
- decoding: TensorsToDetectionsCalculator with x/y/w/h_scale 256 and fixed-size anchors, in input
  pixels: centre = anchor + (dx, dy), size (w, h), keypoints anchor + offset; score =
  sigmoid(logit clipped to +-100), kept when at least 0.5 (min_score_thresh).
- to image pixels: u * scale + offset (the letterbox's map, from the outputs file).
- NMS: NonMaxSuppressionCalculator's WEIGHTED algorithm, IoU similarity, threshold 0.3: the best
  remaining detection and every one overlapping it by more than the threshold become one, its
  corners (xmin, ymin, xmax, ymax) and keypoints the score-weighted mean, its score the best's.
- then our own rules, written again from their comments in core/src/faces: a face whose box lies
  more than half inside a better-scoring face's box is dropped; boxes clipped to the image with
  corners rounded half up; largest box first (ties: higher score), at most 20.
"""
import json
import math
import os
import random

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
FIXTURES = os.path.join(ROOT, 'core', 'test', 'fixtures', 'detection')
NAMES = ['right_eye', 'left_eye', 'nose_tip', 'mouth', 'right_ear', 'left_ear']
SIZE = 256
SCORE_THRESHOLD = 0.5
IOU_THRESHOLD = 0.3
MAX_CONTAINED = 0.5
MAX_FACES = 20


def anchors():
    strides = [16, 32, 32, 32]
    out = []
    layer = 0
    while layer < len(strides):
        n = 0
        last = layer
        while last < len(strides) and strides[last] == strides[layer]:
            n += 2  # aspect ratio 1.0 and the interpolated scale
            last += 1
        cells = math.ceil(SIZE / strides[layer])
        for y in range(cells):
            for x in range(cells):
                for _ in range(n):
                    out.append(((x + 0.5) / cells * SIZE, (y + 0.5) / cells * SIZE))
        layer = last
    return out


def sigmoid(x):
    x = max(-100.0, min(100.0, x))
    return 1 / (1 + math.exp(-x))


def decode(photo, anchor_list):
    s, ox, oy = photo['scale'], photo['offset_x'], photo['offset_y']
    dets = []
    for row in photo['rows']:
        score = sigmoid(row['logit'])
        if score < SCORE_THRESHOLD:
            continue
        ax, ay = anchor_list[row['anchor']]
        v = row['values']
        cx, cy, w, h = ax + v[0], ay + v[1], v[2], v[3]
        rect = [(cx - w / 2) * s + ox, (cy - h / 2) * s + oy, (cx + w / 2) * s + ox, (cy + h / 2) * s + oy]
        points = [((ax + v[4 + 2 * k]) * s + ox, (ay + v[5 + 2 * k]) * s + oy) for k in range(6)]
        dets.append({'rect': rect, 'score': score, 'points': points})
    return dets


def area(r):
    return max(0.0, r[2] - r[0]) * max(0.0, r[3] - r[1])


def intersection(a, b):
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def iou(a, b):
    i = intersection(a, b)
    u = area(a) + area(b) - i
    return i / u if u > 0 else 0.0


def weighted_nms(dets):
    rest = sorted(dets, key=lambda d: -d['score'])
    out = []
    while rest:
        best = rest[0]
        cluster = [d for d in rest if d is best or iou(best['rect'], d['rect']) > IOU_THRESHOLD]
        rest = [d for d in rest if not any(d is c for c in cluster)]
        total = sum(d['score'] for d in cluster)
        rect = [sum(d['rect'][k] * d['score'] for d in cluster) / total for k in range(4)]
        points = [
            (sum(d['points'][k][0] * d['score'] for d in cluster) / total, sum(d['points'][k][1] * d['score'] for d in cluster) / total)
            for k in range(len(best['points']))
        ]
        out.append({'rect': rect, 'score': best['score'], 'points': points})
    return out


def round_half_up(v):
    return math.floor(v + 0.5)


def faces(dets, width, height):
    kept = []
    for d in weighted_nms(dets):
        a = area(d['rect'])
        if not any(a > 0 and intersection(d['rect'], k['rect']) / a > MAX_CONTAINED for k in kept):
            kept.append(d)
    out = []
    for d in kept:
        x0, y0 = max(0, round_half_up(d['rect'][0])), max(0, round_half_up(d['rect'][1]))
        x1, y1 = min(width, round_half_up(d['rect'][2])), min(height, round_half_up(d['rect'][3]))
        if x1 - x0 < 1 or y1 - y0 < 1:
            continue
        out.append({
            'box': {'x': x0, 'y': y0, 'w': x1 - x0, 'h': y1 - y0},
            'score': d['score'],
            'keypoints': {n: {'x': p[0], 'y': p[1]} for n, p in zip(NAMES, d['points'])},
        })
    out.sort(key=lambda f: (-f['box']['w'] * f['box']['h'], -f['score']))
    return out[:MAX_FACES]


def synthetic():
    """Clusters of candidates around a few faces: jittered copies (high IoU), shifted ones (IoU 0.2-0.6), nested parts."""
    rng = random.Random(29)
    width, height = 800, 600
    candidates = []
    for cx, cy, side in [(150, 150, 120), (420, 200, 160), (330, 260, 110), (600, 420, 200), (200, 450, 90)]:
        for _ in range(rng.randint(3, 7)):
            s = side * rng.uniform(0.8, 1.25)
            shift = side * rng.choice([0.05, 0.15, 0.3, 0.5])
            x = cx + rng.uniform(-shift, shift) - s / 2
            y = cy + rng.uniform(-shift, shift) - s / 2
            points = [(x + s * fx + rng.uniform(-3, 3), y + s * fy + rng.uniform(-3, 3)) for fx, fy in
                      [(0.3, 0.35), (0.7, 0.35), (0.5, 0.55), (0.5, 0.75), (0.05, 0.4), (0.95, 0.4)]]
            candidates.append({'rect': [x, y, x + s, y + s * 1.05], 'score': rng.uniform(0.5, 0.99), 'points': points})
        # A part of the face (its lower half), as the detector adds on close-ups.
        candidates.append({'rect': [cx - side / 3, cy, cx + side / 3, cy + side / 2], 'score': rng.uniform(0.5, 0.7),
                           'points': [(cx, cy + side / 4)] * 6})
    as_json = [{
        'box': {'x': c['rect'][0], 'y': c['rect'][1], 'w': c['rect'][2] - c['rect'][0], 'h': c['rect'][3] - c['rect'][1]},
        'score': c['score'],
        'keypoints': {n: {'x': p[0], 'y': p[1]} for n, p in zip(NAMES, c['points'])},
    } for c in candidates]
    # The candidates as the test reads them (x, y, w, h): the reference works from those same numbers.
    for c, j in zip(candidates, as_json):
        b = j['box']
        c['rect'] = [b['x'], b['y'], b['x'] + b['w'], b['y'] + b['h']]
    return {'width': width, 'height': height, 'candidates': as_json, 'faces': faces(candidates, width, height)}


def main():
    with open(os.path.join(FIXTURES, 'outputs.json')) as f:
        outputs = json.load(f)
    anchor_list = anchors()
    assert len(anchor_list) == 896
    reference = {
        'iou_threshold': IOU_THRESHOLD,
        'score_threshold': SCORE_THRESHOLD,
        'max_contained': MAX_CONTAINED,
        'photos': [{'name': p['name'], 'faces': faces(decode(p, anchor_list), p['width'], p['height'])} for p in outputs['photos']],
        'synthetic': synthetic(),
    }
    with open(os.path.join(FIXTURES, 'reference.json'), 'w') as f:
        json.dump(reference, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
