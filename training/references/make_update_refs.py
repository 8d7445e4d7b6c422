#!/usr/bin/python3
"""Dev-only: PyTorch reference values for the training update (training/test/update.test.ts).

  /usr/bin/python3 training/references/make_update_refs.py    # torch 1.13 (Debian python3-torch)

Writes training/test/fixtures/update-refs.json: inputs drawn here (float32 values, exact in JSON)
and what torch computes from them, in float64 so the reference carries no float32 rounding of
its own (ours keeps float32 tensors and computes each element in double):
  adamw      torch.optim.AdamW (decoupled decay: p *= 1 - lr*wd) over 5 steps with a changing lr
  one_cycle  torch.optim.lr_scheduler.OneCycleLR, cosine, cycle_momentum off (we keep beta1 fixed),
             pct_start = (peak + 1) / total: torch peaks at step pct_start*total - 1, our
             oneCycleLr at round(warmup*total), so this configures torch to our shape
  batchnorm  torch.nn.BatchNorm2d(momentum=0.1) running_mean/var (unbiased) after 3 batches
  full_net   ../shared/MODEL.md's ScratchCNN written here in torch, loaded with runs/fer2013/best.safetensors
             (tfjs layout, converted here, not by layout.ts), training mode with dropout off: loss,
             logits and the gradients (back in tfjs layout) of 4 PublicTest images (pixels stored)
"""
import json
import math
import os

import numpy as np
import torch
from PIL import Image

torch.manual_seed(20)
OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'update-refs.json')


def f32(t):
    """Values rounded to float32, as a float64 tensor (what JSON hands to a Float32Array exactly)."""
    return t.to(torch.float32).to(torch.float64)


def flat(t):
    return [float(v) for v in t.flatten().tolist()]


def adamw():
    shapes = {'a': [3, 4], 'b': [5], 'c': [2, 2, 2]}
    cfg = {'beta1': 0.9, 'beta2': 0.999, 'eps': 1e-8, 'weightDecay': 0.05}
    lrs = [1e-3, 3e-3, 2e-2, 5e-3, 1e-4]
    params = {k: f32(torch.randn(s)).requires_grad_() for k, s in shapes.items()}
    init = {k: flat(p.detach()) for k, p in params.items()}
    opt = torch.optim.AdamW(list(params.values()), lr=lrs[0], betas=(cfg['beta1'], cfg['beta2']), eps=cfg['eps'], weight_decay=cfg['weightDecay'])
    steps = []
    for lr in lrs:
        grads = {k: f32(torch.randn(s) * 0.5) for k, s in shapes.items()}
        for k, p in params.items():
            p.grad = grads[k].clone()
        for g in opt.param_groups:
            g['lr'] = lr
        opt.step()
        steps.append({
            'lr': lr,
            'grads': {k: flat(g) for k, g in grads.items()},
            'params': {k: flat(p.detach()) for k, p in params.items()},
            'm': {k: flat(opt.state[p]['exp_avg']) for k, p in params.items()},
            'v': {k: flat(opt.state[p]['exp_avg_sq']) for k, p in params.items()},
        })
    return {'config': cfg, 'init': init, 'steps': steps}


def one_cycle():
    cases = []
    for total, max_lr, warmup in [(100, 2e-3, 0.2), (4480, 6e-4, 0.1), (37, 1e-2, 0.3)]:
        peak = max(1, math.floor(warmup * total + 0.5))  # JavaScript's Math.round
        p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
        opt = torch.optim.SGD([p], lr=max_lr)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=max_lr, total_steps=total, pct_start=(peak + 1) / total,
                                                    anneal_strategy='cos', cycle_momentum=False, div_factor=25, final_div_factor=1e4)
        at = sorted({0, 1, peak // 2, peak - 1, peak, peak + 1, (peak + total) // 2, total - 2, total - 1})
        lrs = {}
        for step in range(total):
            if step in at:
                lrs[str(step)] = opt.param_groups[0]['lr']
            opt.step()
            if step < total - 1:
                sched.step()
        cases.append({'totalSteps': total, 'maxLr': max_lr, 'warmup': warmup, 'lr': lrs})
    return cases


def batchnorm():
    n, c, h, w = 6, 3, 4, 5
    bias = f32(torch.randn(c) * 0.3)
    bn = torch.nn.BatchNorm2d(c, momentum=0.1).double()
    rm0 = f32(torch.randn(c) * 0.1)
    rv0 = f32(1 + torch.rand(c))
    with torch.no_grad():
        bn.running_mean.copy_(rm0)
        bn.running_var.copy_(rv0)
    bn.train()
    batches = []
    for i in range(3):
        # NHWC, as tfjs holds it; torch gets NCHW plus the conv bias our graph leaves out.
        x = f32(torch.randn(n, h, w, c) * (1 + i) + 0.5 * i)
        bn(x.permute(0, 3, 1, 2) + bias.view(1, c, 1, 1))
        batches.append({'x': flat(x), 'running_mean': flat(bn.running_mean), 'running_var': flat(bn.running_var)})
    return {'shape': [n, h, w, c], 'bias': flat(bias), 'running_mean': flat(rm0), 'running_var': flat(rv0), 'batches': batches}


HERE = os.path.dirname(os.path.abspath(__file__))
CLASSES = ['angry', 'disgust', 'fear', 'happy', 'neutral', 'sad', 'surprise']


def read_safetensors(path):
    with open(path, 'rb') as f:
        raw = f.read()
    n = int.from_bytes(raw[:8], 'little')
    header = json.loads(raw[8:8 + n])
    out = {}
    for k, e in header.items():
        if k == '__metadata__':
            continue
        a, b = e['data_offsets']
        dt = {'F32': np.float32, 'I64': np.int64}[e['dtype']]
        out[k] = torch.from_numpy(np.frombuffer(raw[8 + n + a:8 + n + b], dtype=dt).reshape(e['shape']).copy())
    return out


def scratch_cnn():
    nn = torch.nn
    def block(cin, cout):
        return [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout, momentum=0.1), nn.ReLU()]
    features = nn.Sequential(*block(1, 32), *block(32, 32), nn.MaxPool2d(2), *block(32, 64), *block(64, 64), nn.MaxPool2d(2),
                             *block(64, 128), nn.MaxPool2d(2), *block(128, 264), nn.MaxPool2d(2))
    classifier = nn.Sequential(nn.Dropout(0.0), nn.Linear(2376, 256), nn.ReLU(), nn.Dropout(0.0), nn.Linear(256, 7))  # dropout off
    model = nn.Module()
    model.features, model.classifier = features, classifier
    model.forward = lambda x: classifier(torch.flatten(features(x), 1))
    return model


def full_net():
    tfw = read_safetensors(os.path.join(HERE, '..', 'runs', 'fer2013', 'best.safetensors'))
    sd = {}
    for k, t in tfw.items():
        if k.startswith('optim.') or k.startswith('ema.'):
            continue
        if t.dim() == 4:  # conv [kh, kw, in, out] -> [out, in, kh, kw]
            t = t.permute(3, 2, 0, 1)
        elif k == 'classifier.1.weight':  # [(h*3 + w)*264 + c, 256] -> [256, c*9 + h*3 + w]
            t = t.reshape(3, 3, 264, 256).permute(3, 2, 0, 1).reshape(256, 2376)
        elif t.dim() == 2:
            t = t.t()
        sd[k] = t.contiguous()
    for i in [1, 4, 8, 11, 15, 19]:
        sd[f'features.{i}.num_batches_tracked'] = torch.tensor(0)
    model = scratch_cnn()
    model.load_state_dict(sd, strict=True)
    model.double().train()
    picks = [('angry', 0), ('happy', 3), ('sad', 1), ('surprise', 2)]
    pixels, labels = [], []
    for c, k in picks:
        d = os.path.join(HERE, '..', '..', '..', 'shared', 'fer2013', 'test', c)
        f = sorted(os.listdir(d))[k]
        pixels.append(np.asarray(Image.open(os.path.join(d, f)).convert('L'), dtype=np.uint8).reshape(-1))
        labels.append(CLASSES.index(c))
    x = f32((torch.from_numpy(np.stack(pixels)).double() / 255 - 0.5) / 0.5).reshape(-1, 1, 48, 48)
    y = torch.tensor(labels)
    logits = model(x)
    loss = torch.nn.functional.cross_entropy(logits, y, label_smoothing=0.1)
    loss.backward()
    grads = {}
    for k, p in model.named_parameters():
        g = p.grad
        if g.dim() == 4:
            g = g.permute(2, 3, 1, 0)
        elif k == 'classifier.1.weight':
            g = g.reshape(256, 264, 3, 3).permute(2, 3, 1, 0).reshape(2376, 256)
        elif g.dim() == 2:
            g = g.t()
        g = g.contiguous().flatten()
        # Every element of the small tensors; 64 evenly spaced ones (and the largest) of the big ones.
        idx = list(range(len(g))) if len(g) <= 264 else sorted({*(i * len(g) // 64 for i in range(64)), int(g.abs().argmax())})
        grads[k] = {'index': idx, 'value': [float(g[i]) for i in idx], 'max_abs': float(g.abs().max()), 'l2': float(g.norm())}
    return {'weights': 'runs/fer2013/best.safetensors', 'pixels': [int(v) for p in pixels for v in p], 'labels': labels,
            'label_smoothing': 0.1, 'loss': float(loss), 'logits': flat(logits.detach()), 'grads': grads}


refs = {'torch': torch.__version__, 'adamw': adamw(), 'one_cycle': one_cycle(), 'batchnorm': batchnorm(), 'full_net': full_net()}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, 'w') as f:
    json.dump(refs, f, indent=None, separators=(',', ':'))
    f.write('\n')
print(f'wrote {os.path.relpath(OUT)}')
