#!/usr/bin/python3
"""Dev-only: PyTorch reference values for the SGD optimizer and the cosine schedule
(training/test/optim.test.ts).

  /usr/bin/python3 training/references/make_optim_refs.py    # torch 1.13 (Debian python3-torch)

Writes training/test/fixtures/optim-refs.json, in float64 (inputs rounded to float32 first):
  sgd     torch.optim.SGD(momentum, nesterov on and off, weight_decay) over 5 steps, lr changing
  cosine  SequentialLR(LinearLR(1/peak, 1, peak - 1), CosineAnnealingLR(total - peak), [peak])
"""
import json
import math
import os
import warnings

import torch

warnings.filterwarnings('ignore')
torch.manual_seed(21)
OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'optim-refs.json')


def f32(t):
    return t.to(torch.float32).to(torch.float64)


def flat(t):
    return [float(v) for v in t.flatten().tolist()]


def sgd():
    cases = []
    for nesterov in (True, False):
        shapes = {'a': [3, 4], 'b': [5]}
        cfg = {'momentum': 0.9, 'nesterov': nesterov, 'weightDecay': 5e-4}
        lrs = [1e-2, 3e-2, 5e-2, 2e-2, 1e-3]
        params = {k: f32(torch.randn(s)).requires_grad_() for k, s in shapes.items()}
        init = {k: flat(p.detach()) for k, p in params.items()}
        opt = torch.optim.SGD(list(params.values()), lr=lrs[0], momentum=cfg['momentum'], nesterov=nesterov,
                              weight_decay=cfg['weightDecay'])
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
                'buf': {k: flat(opt.state[p]['momentum_buffer']) for k, p in params.items()},
            })
        cases.append({'config': cfg, 'init': init, 'steps': steps})
    return cases


def cosine():
    cases = []
    for total, max_lr, warmup in [(100, 0.1, 0.05), (4480, 1e-3, 0.05), (37, 1e-2, 0.3)]:
        peak = max(1, math.floor(warmup * total + 0.5))  # JavaScript's Math.round
        p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
        opt = torch.optim.SGD([p], lr=max_lr)
        warm = torch.optim.lr_scheduler.LinearLR(opt, start_factor=1 / peak, end_factor=1, total_iters=peak - 1)
        cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total - peak, eta_min=0)
        sched = torch.optim.lr_scheduler.SequentialLR(opt, [warm, cos], milestones=[peak])
        at = sorted({0, 1, peak // 2, peak - 1, peak, peak + 1, (peak + total) // 2, total - 2, total - 1})
        lrs = {}
        for step in range(total):
            if step in at:
                lrs[str(step)] = opt.param_groups[0]['lr']
            opt.step()
            sched.step()
        cases.append({'totalSteps': total, 'maxLr': max_lr, 'warmup': warmup, 'lr': lrs})
    return cases


with open(OUT, 'w') as f:
    json.dump({'torch': torch.__version__, 'sgd': sgd(), 'cosine': cosine()}, f)
    f.write('\n')
print(f'wrote {OUT}')
